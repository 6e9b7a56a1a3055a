package io.junitmultihost.engine;

/**
 * The configuration parameters of junit-multihost, read by the engine and by the Jupiter
 * extension alike. Set them in {@code src/test/resources/junit-platform.properties}, as system
 * properties ({@code -Dmultihost.provider=lab}) or in Surefire's {@code configurationParameters}.
 *
 * <p>Durations are ISO-8601 ({@code PT30S}) or a number with a unit: {@code 500ms}, {@code 30s},
 * {@code 5m}, {@code 1h}. Every {@code multihost.*} parameter is handed to the host provider too,
 * so provider settings such as {@code multihost.embedded.max-hosts} live next to these.
 */
public final class Constants {

    /** The prefix of every parameter the engine and the providers read: {@value}. */
    public static final String PREFIX = "multihost.";

    /**
     * Which host provider supplies the hosts: {@value}. Providers are found by
     * {@link java.util.ServiceLoader}; an unknown name fails with the list of the available ones.
     */
    public static final String PROVIDER_PROPERTY_NAME = "multihost.provider";

    /** The provider used when {@link #PROVIDER_PROPERTY_NAME} is not set: {@value}. */
    public static final String DEFAULT_PROVIDER = "embedded";

    /** The deadline of a remote command when the call names none: {@value}. */
    public static final String EXEC_TIMEOUT_PROPERTY_NAME = "multihost.exec.timeout";

    /** Default of {@link #EXEC_TIMEOUT_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_EXEC_TIMEOUT = "60s";

    /** How long connecting and authenticating to one host may take: {@value}. */
    public static final String CONNECT_TIMEOUT_PROPERTY_NAME = "multihost.connect.timeout";

    /** Default of {@link #CONNECT_TIMEOUT_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_CONNECT_TIMEOUT = "10s";

    /**
     * How long gathering the hosts of one test class may take: {@value}. A class still short of a
     * role's minimum then is aborted. Time spent queueing while other classes of the run hold
     * leased hosts does not count: those come back when their classes end.
     */
    public static final String HOSTS_TIMEOUT_PROPERTY_NAME = "multihost.hosts.timeout";

    /** Default of {@link #HOSTS_TIMEOUT_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_HOSTS_TIMEOUT = "60s";

    /**
     * For a role whose {@code min} is below its {@code count}: how long gathering its hosts waits
     * for more once it has {@code min} of them, when more may still come (hosts held by other
     * classes, hosts that did not answer yet): {@value}. Then the test starts with what it has.
     */
    public static final String HOSTS_COUNTDOWN_PROPERTY_NAME = "multihost.hosts.countdown";

    /** Default of {@link #HOSTS_COUNTDOWN_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_HOSTS_COUNTDOWN = "10s";

    /**
     * What becomes of a test class whose roles cannot get their minimum of hosts: {@value};
     * {@code skip} (the class and its tests are reported aborted with the reason, which Maven
     * counts as skipped) or {@code fail} (reported failed with the same reason), for jobs that
     * must not pass without running their tests.
     */
    public static final String HOSTS_SHORTFALL_PROPERTY_NAME = "multihost.hosts.shortfall";

    /** Default of {@link #HOSTS_SHORTFALL_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_HOSTS_SHORTFALL = "skip";

    /**
     * Where hosts that other runs share (an inventory's) are leased on this machine: a directory
     * with one lock file per host, which the kernel releases when a JVM dies: {@value}. Every run
     * that should see the others' leases must use the same directory; by default
     * {@code junit-multihost-<user>/leases} in {@code java.io.tmpdir}, the user's only. Not used with
     * {@link #LEASES_ZOOKEEPER_PROPERTY_NAME}.
     */
    public static final String LEASES_DIRECTORY_PROPERTY_NAME = "multihost.leases.directory";

    /**
     * The ZooKeeper ensemble ({@code zk1:2181,zk2:2181,zk3:2181}) through which runs on several
     * machines lease the hosts they share: {@value}. Each host is an ephemeral node, so a run that
     * dies gives its hosts back when its session expires. Needs {@code org.apache.curator:curator-framework}
     * on the test class path. Unset (the default): leases hold on this machine only (lock files).
     */
    public static final String LEASES_ZOOKEEPER_PROPERTY_NAME = "multihost.leases.zookeeper";

    /**
     * The ZooKeeper session timeout: {@value}. A run that dies or loses its link gives its hosts
     * back this long after; a run whose link stays away a third of it stops its classes' work on
     * them, and those classes fail.
     */
    public static final String LEASES_ZOOKEEPER_SESSION_TIMEOUT_PROPERTY_NAME = "multihost.leases.zookeeper.session-timeout";

    /** Default of {@link #LEASES_ZOOKEEPER_SESSION_TIMEOUT_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_LEASES_ZOOKEEPER_SESSION_TIMEOUT = "15s";

    /** How long connecting to the ZooKeeper ensemble, and each lease operation, may take: {@value}. */
    public static final String LEASES_ZOOKEEPER_CONNECT_TIMEOUT_PROPERTY_NAME = "multihost.leases.zookeeper.connect-timeout";

    /** Default of {@link #LEASES_ZOOKEEPER_CONNECT_TIMEOUT_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_LEASES_ZOOKEEPER_CONNECT_TIMEOUT = "10s";

    /** The ZooKeeper node under which hosts are leased, one child per host: {@value}. Runs that share a fleet share it. */
    public static final String LEASES_ZOOKEEPER_ROOT_PROPERTY_NAME = "multihost.leases.zookeeper.root";

    /** Default of {@link #LEASES_ZOOKEEPER_ROOT_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_LEASES_ZOOKEEPER_ROOT = "/junit-multihost/leases";

    /**
     * How long asking a host to reboot may take (starting the detached reboot command, within the
     * reboot's REQUESTED phase): {@value}. The phases of a reboot have their own deadlines, in
     * {@code RebootOptions}.
     */
    public static final String REBOOT_TIMEOUT_PROPERTY_NAME = "multihost.reboot.timeout";

    /** Default of {@link #REBOOT_TIMEOUT_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_REBOOT_TIMEOUT = "30s";

    /**
     * The shell command that reboots a host: {@value}. It runs detached ({@code nohup}, after a
     * short sleep) so that the call returns before the connection drops.
     */
    public static final String REBOOT_COMMAND_PROPERTY_NAME = "multihost.reboot.command";

    /** Default of {@link #REBOOT_COMMAND_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_REBOOT_COMMAND = "reboot";

    /** At most how many hosts {@code Cluster.onAll}/{@code onRole} drive at once: {@value}. */
    public static final String FANOUT_PARALLELISM_PROPERTY_NAME = "multihost.fanout.parallelism";

    /** Default of {@link #FANOUT_PARALLELISM_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_FANOUT_PARALLELISM = "32";

    /**
     * How long a test may run when its annotation names no {@code timeout}; past it the test fails
     * with what it was doing (see {@code MultiHostTest.timeout}); {@code none}: no deadline.
     */
    public static final String TEST_TIMEOUT_PROPERTY_NAME = "multihost.test.timeout";

    /** Default of {@link #TEST_TIMEOUT_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_TEST_TIMEOUT = "1h";

    /**
     * Where the run's report goes: {@code events.jsonl} and {@code timeline.html}, written when the
     * run ends; relative to the test JVM's working directory; {@code none} writes nothing.
     */
    public static final String REPORT_DIR_PROPERTY_NAME = "multihost.report.dir";

    /** Default of {@link #REPORT_DIR_PROPERTY_NAME}: {@value}. */
    public static final String DEFAULT_REPORT_DIR = "target/multihost-report";

    /**
     * Whether the engine runs test classes at the same time, each on hosts of its own: {@value};
     * {@code true} or {@code false} (the default). Methods within a class still run one after
     * another. For classes run by Jupiter with {@code @MultiHost}, use Jupiter's own
     * {@code junit.jupiter.execution.parallel.*} settings: the shared host pool keeps them apart.
     */
    public static final String PARALLEL_ENABLED_PROPERTY_NAME = "multihost.execution.parallel.enabled";

    /**
     * With {@link #PARALLEL_ENABLED_PROPERTY_NAME}: at most how many classes run at once: {@value}.
     * By default as many as the run has classes, but no more than the provider can ever give hosts
     * (its {@code maxHosts}), since each class holds at least one host.
     */
    public static final String PARALLEL_CLASSES_PROPERTY_NAME = "multihost.execution.parallel.classes";

    private Constants() {
    }
}
