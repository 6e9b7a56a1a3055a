package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The README's promise: what it shows works as pasted. Every {@code ```java} block of README.md
 * compiles, as its own file with the imports it shows, against this module's test classpath (the
 * artifacts the README's dependency list names); that list names an artifact for every package
 * the blocks import, in the versions the build uses; and the blocks that need nothing but hosts
 * run on embedded hosts.
 */
class ReadmeSnippetsTest {

    private static final Path README = Path.of(System.getProperty("user.dir")).resolveSibling("README.md");
    private static final Path ROOT_POM = README.resolveSibling("pom.xml");
    private static final Pattern BLOCK = Pattern.compile("^```(\\w*)\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("^(?:public )?class (\\w+)", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+?)\\.(?:[A-Z*][\\w.*]*);",
            Pattern.MULTILINE);

    /** What runs of each snippet class on embedded hosts: its methods that need nothing but hosts. */
    private static final Map<String, List<String>> RUN = Map.of(
            "EchoTest", List.of("rebootIsSeenByBootId"),   // clientsReachTheServer runs my-server: compiled only
            "NodeTest", List.of(),                          // every test
            "AppLogsTest", List.of(),                       // every test
            "GreetingTest", List.of(),                      // every part, on each host of its role
            "ForwardTest", List.of(),                       // every test
            "FilesTest", List.of());                        // every test
    /** Snippet classes that are not run on embedded hosts, and why (ReadmeSnippetsLabTest runs some on the lab). */
    static final Map<String, String> COMPILE_ONLY = Map.of(
            "RollingTest", "it needs 100 app hosts (85 at least) and the embedded hosts are 32 at most; run on the lab",
            "ChaosTest", "its lambdas run in remote JVMs, which get the test's classpath, not the directory this test"
                    + " compiles the snippets into; RemoteJvmsTest makes the same calls",
            "PartitionTest", "network faults need hosts of their own network (lab, inventory, QEMU), and embedded hosts"
                    + " refuse them; run on the lab");
    /** The artifact of the README's dependency list that brings each imported package. */
    private static final Map<String, String> ARTIFACT_OF_PACKAGE = Map.of(
            "io.junitmultihost.", "junit-multihost-engine",
            "org.junit.jupiter.", "junit-jupiter",
            "org.assertj.", "assertj-core");

    @TempDir
    Path classes;

    /** How many parts the distributed tests of {@code test} run: each part method once per host of its role. */
    private static int partsOf(Class<?> test) {
        int parts = 0;
        for (java.lang.reflect.Method method : test.getDeclaredMethods()) {
            io.junitmultihost.api.MultiHostPart part = method.getAnnotation(io.junitmultihost.api.MultiHostPart.class);
            if (part != null) {
                parts += java.util.Arrays.stream(test.getAnnotationsByType(io.junitmultihost.api.Role.class))
                        .filter(role -> role.name().equals(part.role())).mapToInt(io.junitmultihost.api.Role::count)
                        .sum();
            }
        }
        return parts;
    }

    record Snippet(String where, String code) {
        String className() {
            Matcher m = CLASS.matcher(code);
            return m.find() ? m.group(1) : null;
        }
    }

    @Test
    void everyJavaBlockOfTheReadmeCompilesAsPasted() throws IOException {
        List<Snippet> snippets = blocks("java");
        assertThat(snippets).as("java blocks of %s", README).isNotEmpty();

        List<String> failures = new ArrayList<>();
        for (Snippet snippet : snippets) {
            String problem = compile(snippet, classes.resolve(Integer.toString(snippets.indexOf(snippet))));
            if (problem != null) {
                failures.add(problem);
            }
        }

        assertThat(failures).as("README snippets that do not compile").isEmpty();
    }

    @Test
    void everyReadmeTestClassIsRunOrSaysWhyItIsOnlyCompiled() throws IOException {
        Set<String> classNames = new LinkedHashSet<>();
        blocks("java").forEach(s -> classNames.add(s.className()));

        assertThat(classNames).as("the test classes of the README's java blocks; add a new one to RUN or COMPILE_ONLY")
                .containsExactlyInAnyOrderElementsOf(union(RUN.keySet(), COMPILE_ONLY.keySet()));
    }

    @Test
    void theReadmeTestsThatNeedOnlyHostsPassOnEmbeddedHosts() throws Exception {
        runAndExpectEveryTestToPass(classes, RUN, Map.of("multihost.embedded.reboot-down-time", "300ms"));
    }

    /**
     * Compiles every snippet into {@code classes} and runs, of each class named in {@code run}, the
     * methods it lists (every test and part when the list is empty), with {@code parameters}; every
     * one of them must pass.
     */
    static void runAndExpectEveryTestToPass(Path classes, Map<String, List<String>> run, Map<String, String> parameters)
            throws Exception {
        List<Snippet> snippets = blocks("java");
        List<URL> urls = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            Path out = classes.resolve(Integer.toString(i));
            String problem = compile(snippets.get(i), out);
            assertThat(problem).isNull();
            urls.add(out.toUri().toURL());
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ReadmeSnippetsTest.class.getClassLoader())) {
            List<DiscoverySelector> selectors = new ArrayList<>();
            int expected = 0;
            for (Map.Entry<String, List<String>> entry : new TreeMap<>(run).entrySet()) {
                Class<?> test = loader.loadClass(entry.getKey());
                if (entry.getValue().isEmpty()) {
                    selectors.add(selectClass(test));
                    expected += (int) java.util.Arrays.stream(test.getDeclaredMethods())
                            .filter(m -> m.isAnnotationPresent(Test.class)
                                    || m.isAnnotationPresent(io.junitmultihost.api.MultiHostTest.class)).count();
                    expected += partsOf(test);
                } else {
                    for (String name : entry.getValue()) {
                        java.lang.reflect.Method method = java.util.Arrays.stream(test.getDeclaredMethods())
                                .filter(m -> m.getName().equals(name)).findFirst()
                                .orElseThrow(() -> new AssertionError("README class [" + test.getName()
                                        + "] has no method [" + name + "] any more; update RUN."));
                        selectors.add(selectMethod(test, method));
                    }
                    expected += entry.getValue().size();
                }
            }
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors)
                    .configurationParameters(parameters).build();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            Thread.currentThread().setContextClassLoader(loader);
            try {
                LauncherFactory.create().execute(request, listener);
            } finally {
                Thread.currentThread().setContextClassLoader(ReadmeSnippetsTest.class.getClassLoader());
            }
            TestExecutionSummary summary = listener.getSummary();
            StringWriter failures = new StringWriter();
            summary.printFailuresTo(new java.io.PrintWriter(failures), 20);

            assertThat(summary.getTestsFailedCount()).as("failed README tests:%n%s", failures).isZero();
            assertThat(summary.getTestsAbortedCount()).as("README tests skipped (aborted):%n%s", failures).isZero();
            assertThat(summary.getTestsSucceededCount()).as("README tests that passed").isEqualTo(expected);
        }
    }

    @Test
    void theReadmeDependencyListNamesEveryArtifactTheSnippetsImportFromInTheBuildsVersions() throws IOException {
        String xml = blocks("xml").stream().map(Snippet::code).collect(Collectors.joining("\n"));
        Set<String> listed = new LinkedHashSet<>();
        Matcher artifact = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(xml);
        while (artifact.find()) {
            listed.add(artifact.group(1));
        }

        List<String> missing = new ArrayList<>();
        for (Snippet snippet : blocks("java")) {
            Matcher m = IMPORT.matcher(snippet.code());
            while (m.find()) {
                String pkg = m.group(1) + ".";
                if (pkg.startsWith("java.") || pkg.startsWith("javax.")) {
                    continue;
                }
                String needed = ARTIFACT_OF_PACKAGE.entrySet().stream().filter(e -> pkg.startsWith(e.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (needed == null || !listed.contains(needed)) {
                    missing.add(snippet.where() + " imports [" + m.group(1) + "] but the README's dependencies "
                            + listed + " do not bring it" + (needed == null ? "" : " (add [" + needed + "])"));
                }
            }
        }
        assertThat(missing).isEmpty();

        String pom = Files.readString(ROOT_POM, StandardCharsets.UTF_8);
        assertThat(xml).as("README versions against %s", ROOT_POM)
                .contains(dependency("org.assertj", "assertj-core", property(pom, "assertj.version")))
                .contains(dependency("org.junit.jupiter", "junit-jupiter", property(pom, "junit.version")))
                .contains(dependency("org.slf4j", "slf4j-simple", property(pom, "slf4j.version")))
                .contains(plugin("maven-compiler-plugin", pluginVersion(pom, "maven-compiler-plugin")))
                .contains(plugin("maven-surefire-plugin", pluginVersion(pom, "maven-surefire-plugin")))
                .contains("<release>" + property(pom, "maven.compiler.release") + "</release>");
    }

    /** Compiles one snippet on its own; null when it compiles, else a sentence naming it and its errors. */
    static String compile(Snippet snippet, Path out) throws IOException {
        String className = snippet.className();
        if (className == null) {
            return snippet.where() + " declares no top-level class, so it cannot be pasted into a file as it is";
        }
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            fail("Compiling the README's snippets needs a JDK, not a JRE: [" + System.getProperty("java.home")
                    + "] has no javac; run Maven with a JDK 17 or later.");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return snippet.code();
            }
        };
        List<String> options = List.of("-classpath", testClasspath(), "-d", out.toString(), "-proc:none",
                "--release", "17", "-Xlint:none");
        boolean ok = javac.getTask(null, null, diagnostics, options, null, List.of(source)).call();
        if (ok) {
            return null;
        }
        String errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                .collect(Collectors.joining("; "));
        return snippet.where() + " (class " + className + ") does not compile: " + errors;
    }

    /** Surefire runs tests from a manifest-only jar; the real classpath is in this property. */
    private static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** The fenced blocks of this language, each named by the heading above it and its number there. */
    static List<Snippet> blocks(String language) throws IOException {
        assertThat(README).as("the README beside this module").isRegularFile();
        String text = Files.readString(README, StandardCharsets.UTF_8);
        List<Snippet> found = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        Map<String, Integer> perHeading = new TreeMap<>();
        while (m.find()) {
            if (!m.group(1).equals(language)) {
                continue;
            }
            String heading = heading(text, m.start());
            int n = perHeading.merge(heading, 1, Integer::sum);
            int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
            found.add(new Snippet("README snippet #" + n + " of [" + heading + "] (line " + line + ")", m.group(2)));
        }
        return found;
    }

    private static String heading(String text, int at) {
        Matcher h = Pattern.compile("^#+ (.+)$", Pattern.MULTILINE).matcher(text.substring(0, at));
        String last = "top";
        while (h.find()) {
            last = h.group(1).trim();
        }
        return last;
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        if (!m.find()) {
            fail("The root pom " + ROOT_POM + " has no property [" + name + "].");
        }
        return m.group(1);
    }

    private static String pluginVersion(String pom, String artifactId) {
        Matcher m = Pattern.compile("<artifactId>" + Pattern.quote(artifactId) + "</artifactId>\\s*<version>([^<]+)<")
                .matcher(pom);
        if (!m.find()) {
            fail("The root pom " + ROOT_POM + " gives no version of [" + artifactId + "].");
        }
        return m.group(1);
    }

    private static String dependency(String groupId, String artifactId, String version) {
        return "<groupId>" + groupId + "</groupId>\n  <artifactId>" + artifactId + "</artifactId>\n  <version>"
                + version + "</version>";
    }

    private static String plugin(String artifactId, String version) {
        return "<artifactId>" + artifactId + "</artifactId>\n      <version>" + version + "</version>";
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }
}
