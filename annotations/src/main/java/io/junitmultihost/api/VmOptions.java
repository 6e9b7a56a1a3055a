package io.junitmultihost.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How remote JVMs are launched: a name, JVM options, system properties, the {@code java} to run,
 * init and close tasks, and the disconnect hook. Immutable; start from {@link #named(String)}.
 *
 * <pre>{@code
 * vms.launch(servers, 1, VmOptions.named("server").withJvmOptions("-Xmx256m")
 *         .withSystemProperty("port", "7000")
 *         .withInitTask(RunMode.ALWAYS, () -> Server.start())
 *         .withDisconnectHook(() -> Server.leaveCluster()));
 * }</pre>
 */
public final class VmOptions {

    /** A task with its run mode. */
    public record Task(RunMode mode, SerializableRunnable code) {

        /** Checks the values. */
        public Task {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(code, "code");
        }
    }

    private final String name;
    private final List<String> jvmOptions;
    private final Map<String, String> systemProperties;
    private final String java;
    private final List<Task> initTasks;
    private final List<Task> closeTasks;
    private final SerializableRunnable disconnectHook;
    private final StartMode restartMode;

    private VmOptions(String name, List<String> jvmOptions, Map<String, String> systemProperties, String java,
            List<Task> initTasks, List<Task> closeTasks, SerializableRunnable disconnectHook, StartMode restartMode) {
        this.name = name;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.systemProperties = Map.copyOf(systemProperties);
        this.java = java;
        this.initTasks = List.copyOf(initTasks);
        this.closeTasks = List.copyOf(closeTasks);
        this.disconnectHook = disconnectHook;
        this.restartMode = restartMode;
    }

    /** Options for JVMs named {@code name} ({@code name-1}, {@code name-2}, ... when several). */
    public static VmOptions named(String name) {
        if (!Objects.requireNonNull(name, "name").matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("A VM name is letters, digits, '_', '.' and '-', was [" + name + "].");
        }
        return new VmOptions(name, List.of(), Map.of(), null, List.of(), List.of(), null, StartMode.ON_DEMAND);
    }

    /** With options for the {@code java} command, such as {@code -Xmx256m}; each is quoted by the library. */
    public VmOptions withJvmOptions(String... options) {
        List<String> all = new ArrayList<>(jvmOptions);
        all.addAll(List.of(options));
        return new VmOptions(name, all, systemProperties, java, initTasks, closeTasks, disconnectHook, restartMode);
    }

    /** With a system property set in the JVM. */
    public VmOptions withSystemProperty(String key, String value) {
        Map<String, String> all = new LinkedHashMap<>(systemProperties);
        all.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new VmOptions(name, jvmOptions, all, java, initTasks, closeTasks, disconnectHook, restartMode);
    }

    /**
     * With the {@code java} to run on the host (a path, or a name on its PATH); without it, the
     * configuration key {@code multihost.vm.java}, else {@code java}.
     */
    public VmOptions withJava(String java) {
        return new VmOptions(name, jvmOptions, systemProperties, Objects.requireNonNull(java, "java"), initTasks,
                closeTasks, disconnectHook, restartMode);
    }

    /** With an init task: run in the JVM after it starts, before it counts as started, as {@code mode} says. */
    public VmOptions withInitTask(RunMode mode, SerializableRunnable task) {
        List<Task> all = new ArrayList<>(initTasks);
        all.add(new Task(mode, task));
        return new VmOptions(name, jvmOptions, systemProperties, java, all, closeTasks, disconnectHook, restartMode);
    }

    /** With a close task: run in the JVM when it stops by an EXIT or DISCONNECT mode, as {@code mode} says. */
    public VmOptions withCloseTask(RunMode mode, SerializableRunnable task) {
        List<Task> all = new ArrayList<>(closeTasks);
        all.add(new Task(mode, task));
        return new VmOptions(name, jvmOptions, systemProperties, java, initTasks, all, disconnectHook, restartMode);
    }

    /**
     * With the disconnect hook: what NICE_EXIT and NICE_DISCONNECT run in the JVM (and MEAN_EXIT
     * skips), such as leaving a cluster.
     */
    public VmOptions withDisconnectHook(SerializableRunnable hook) {
        return new VmOptions(name, jvmOptions, systemProperties, java, initTasks, closeTasks,
                Objects.requireNonNull(hook, "hook"), restartMode);
    }

    /**
     * With how the JVM starts again when it ends without a stop (it crashed, its host rebooted):
     * {@link StartMode#ON_DEMAND} by default; {@link StartMode#IMMEDIATE} or a delay restart it once
     * its host is back.
     */
    public VmOptions withRestartMode(StartMode mode) {
        return new VmOptions(name, jvmOptions, systemProperties, java, initTasks, closeTasks, disconnectHook,
                Objects.requireNonNull(mode, "mode"));
    }

    /** How the JVM starts again when it ends without a stop. */
    public StartMode restartMode() {
        return restartMode;
    }

    /** The name. */
    public String name() {
        return name;
    }

    /** The JVM options. */
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /** The system properties. */
    public Map<String, String> systemProperties() {
        return systemProperties;
    }

    /** The {@code java} to run, if set. */
    public Optional<String> java() {
        return Optional.ofNullable(java);
    }

    /** The init tasks, in order. */
    public List<Task> initTasks() {
        return initTasks;
    }

    /** The close tasks, in order. */
    public List<Task> closeTasks() {
        return closeTasks;
    }

    /** The disconnect hook, if set. */
    public Optional<SerializableRunnable> disconnectHook() {
        return Optional.ofNullable(disconnectHook);
    }
}
