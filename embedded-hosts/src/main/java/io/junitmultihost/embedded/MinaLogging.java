package io.junitmultihost.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.LoggerFactory;

/**
 * Keeps Apache MINA SSHD's own lines off the console of a run that logs with slf4j-simple, unless
 * the user asks for them. The embedded hosts are SSH servers inside the test JVM, and MINA logs a
 * line per session at INFO and warns whenever a client drops a connection, which every reboot does
 * on purpose: dozens of lines that bury the engine's host state changes. slf4j-simple is
 * configured by system properties and {@code simplelogger.properties} only, so this sets the
 * system property {@value #KEY} to {@code error} before the first server starts, when neither
 * names a level for {@code org.apache.sshd} (or {@code org.apache}) nor lowers the default level
 * to debug or trace. Other SLF4J bindings are left to their own configuration.
 */
final class MinaLogging {

    /** The slf4j-simple key of MINA's loggers' level. */
    static final String KEY = "org.slf4j.simpleLogger.log.org.apache.sshd";

    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private static final String SIMPLE_FACTORY = "org.slf4j.simple.SimpleLoggerFactory";

    private MinaLogging() {
    }

    /** Quiets MINA's loggers under slf4j-simple unless the user set a level for them. */
    static synchronized void quietUnlessAsked() {
        if (!SIMPLE_FACTORY.equals(LoggerFactory.getILoggerFactory().getClass().getName())) {
            return;
        }
        Properties file = simpleLoggerProperties();
        if (asked(System.getProperties()) || asked(file)) {
            return;
        }
        System.setProperty(KEY, "error");
    }

    /** Whether {@code settings} name a level for MINA's loggers, or a default level below INFO. */
    static boolean asked(Properties settings) {
        for (String key : settings.stringPropertyNames()) {
            if (key.equals(PREFIX + "log.org.apache") || key.equals(KEY) || key.startsWith(KEY + ".")) {
                return true;
            }
        }
        String level = settings.getProperty(PREFIX + "defaultLogLevel", "").strip().toLowerCase(Locale.ROOT);
        return level.equals("debug") || level.equals("trace");
    }

    /** The {@code simplelogger.properties} slf4j-simple reads (found as it finds it), or none. */
    private static Properties simpleLoggerProperties() {
        Properties properties = new Properties();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader != null ? loader.getResourceAsStream("simplelogger.properties")
                : ClassLoader.getSystemResourceAsStream("simplelogger.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException | IllegalArgumentException e) {
            // slf4j-simple could not read it either: it uses its defaults
        }
        return properties;
    }
}
