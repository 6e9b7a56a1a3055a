package io.junitmultihost.engine.internal.hosts;

import io.junitmultihost.engine.Constants;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.util.Collection;
import java.util.Enumeration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Gathers the {@code multihost.*} configuration parameters. The engine sees every key of the
 * launcher's configuration; a Jupiter extension can only look keys up one by one. So the engine
 * remembers the key names it saw at discovery (which always runs before any test, as the engine
 * ships in the extension's jar), and the extension looks up those, the documented ones and the
 * system properties' ones. Only names are shared, never values: each side reads values from its
 * own configuration. Internal.
 */
public final class ConfigurationKeys {

    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    private ConfigurationKeys() {
    }

    /** Remembers the {@code multihost.*} names among {@code keys} (called at discovery). */
    public static void remember(Collection<String> keys) {
        keys.stream().filter(k -> k.startsWith(Constants.PREFIX)).forEach(SEEN::add);
    }

    /** Every {@code multihost.*} parameter among {@code keys}, read with {@code lookup}. */
    public static Map<String, String> collect(Collection<String> keys, Function<String, Optional<String>> lookup) {
        Map<String, String> values = new TreeMap<>();
        keys.stream().filter(k -> k.startsWith(Constants.PREFIX))
                .forEach(k -> lookup.apply(k).ifPresent(v -> values.put(k, v)));
        return values;
    }

    /**
     * The keys a Jupiter extension should look up: documented ones, those of system properties and
     * of {@code junit-platform.properties}, and those the engine saw.
     */
    public static Set<String> candidates() {
        Set<String> keys = new TreeSet<>(SEEN);
        keys.addAll(System.getProperties().stringPropertyNames());
        keys.addAll(propertiesFileKeys());
        for (Field field : Constants.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getName().endsWith("_PROPERTY_NAME")) {
                try {
                    keys.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return keys;
    }

    private static Set<String> propertiesFileKeys() {
        Set<String> keys = new TreeSet<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Enumeration<URL> files = (loader != null ? loader : ConfigurationKeys.class.getClassLoader())
                    .getResources("junit-platform.properties");
            while (files.hasMoreElements()) {
                try (InputStream in = files.nextElement().openStream()) {
                    Properties properties = new Properties();
                    properties.load(in);
                    keys.addAll(properties.stringPropertyNames());
                }
            }
        } catch (IOException e) {
            // The platform reads the same file and reports what is wrong with it.
        }
        return keys;
    }
}
