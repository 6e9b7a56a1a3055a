package io.junitmultihost.benchmarks;

import static io.junitmultihost.benchmarks.SshBenchSupport.log;
import static io.junitmultihost.benchmarks.SshBenchSupport.median;

import io.junitmultihost.api.Command;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.SerializableCallable;
import io.junitmultihost.api.StartMode;
import io.junitmultihost.api.StopMode;
import io.junitmultihost.api.Vm;
import io.junitmultihost.api.VmOptions;
import io.junitmultihost.api.VmTarget;
import io.junitmultihost.api.Vms;
import io.junitmultihost.engine.internal.hosts.HostLease;
import io.junitmultihost.engine.internal.hosts.HostPool;
import io.junitmultihost.engine.internal.hosts.HostSettings;
import io.junitmultihost.engine.internal.model.RoleDeclaration;
import io.junitmultihost.engine.internal.sync.SyncReachable;
import io.junitmultihost.engine.internal.vm.VmMaster;
import io.junitmultihost.engine.internal.vm.VmSettings;
import io.junitmultihost.ssh.ShellQuote;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * vm: remote JVMs on lab hosts. {@code invoke_p50_ms} is a trivial invoke on a running VM by the
 * default path (multihost.vm.direct: authenticated TCP straight to the host), {@code invoke_ssh_p50_ms}
 * the same through its SSH forward (multihost.vm.direct=false, or a host not reachable directly), both beside the same call made over Java RMI to another JVM on the same host (the
 * way Geode's DUnit invokes), in rounds taken in turn; {@code restart_s} is MEAN_KILL with IMMEDIATE until the VM
 * answers an invoke (restarts a second apart, so its spare JVM is ready; {@code restart_first_s}: the first restart,
 * with no spare yet; {@code restart_no_spares_s}: with multihost.vm.spares off), beside {@code bare_jvm_s}, a bare
 * {@code java} with the same classpath printing one line over the same SSH connection; {@code launch_20_s} is 20 VMs on 10 hosts at once with the classpath
 * already on the hosts ({@code launch_20_cold_s}: the first launch, uploading it).
 */
public final class VmBenchmark {

    /** The RMI peer's remote interface: runs a serializable callable, as DUnit's RemoteDUnitVM does. */
    public interface Peer extends Remote {
        /** Runs {@code code} and returns its result. */
        Object call(SerializableCallable<?> code) throws RemoteException;
    }

    /** The RMI peer, exported in a remote JVM started by this benchmark. */
    public static final class PeerImpl implements Peer {
        private static volatile PeerImpl exported;
        private static volatile Registry registry;

        @Override
        public Object call(SerializableCallable<?> code) throws RemoteException {
            try {
                return code.call();
            } catch (Exception e) {
                throw new RemoteException("failed", e);
            }
        }

        /** Exports a peer in the JVM it runs in and returns the registry's port. */
        static int export() throws Exception {
            exported = new PeerImpl();
            Peer stub = (Peer) UnicastRemoteObject.exportObject(exported, 0);
            registry = LocateRegistry.createRegistry(31099);
            registry.rebind("peer", stub);
            return 31099;
        }
    }

    /** MEAN_KILL with IMMEDIATE, then invokes until the JVM answers again; returns the nanoseconds taken. */
    private static long restartUntilAnswered(io.junitmultihost.api.Vms vms, Vm vm, SerializableCallable<Integer> trivial)
            throws InterruptedException {
        long start = System.nanoTime();
        vms.stop("restart measured", StopMode.MEAN_KILL, StartMode.IMMEDIATE, VmTarget.id(vm.id()));
        while (true) {
            try {
                if (vm.isRunning() && vm.invoke(trivial) == 1) {
                    return System.nanoTime() - start;
                }
            } catch (RuntimeException notYet) {
                // restarting
            }
            Thread.sleep(2);
        }
    }

    /** What the bare JVM runs: one line, then exit. */
    public static final class PrintOne {
        public static void main(String[] args) {
            System.out.println("up");
        }
    }

    private VmBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = SshBenchSupport.args(args);
        int rounds = SshBenchSupport.intArg(options, "rounds", 5);
        int perRound = SshBenchSupport.intArg(options, "invokes", 2000);
        int restarts = SshBenchSupport.intArg(options, "restarts", 5);
        Map<String, Object> json = new LinkedHashMap<>();
        try (HostPool pool = HostPool.create(HostSettings.from(Map.of("multihost.provider", "lab",
                "multihost.lab.hosts", "10", "multihost.hosts.timeout", "5m")));
                HostLease lease = pool.lease("vm-benchmark", List.of(new RoleDeclaration("node", 10, 10)))) {
            List<Host> hosts = lease.cluster().hosts();
            Host host = hosts.get(0);
            Vms vms = lease.cluster().vms();

            long coldStart = System.nanoTime();
            List<Vm> cold = vms.launch(hosts, 2, VmOptions.named("cold"));
            double launchColdS = (System.nanoTime() - coldStart) / 1e9;
            for (Vm vm : cold) {
                vms.stop("warm-up over", StopMode.MEAN_KILL, StartMode.NEVER, VmTarget.id(vm.id()));
            }
            long warmStart = System.nanoTime();
            List<Vm> twenty = vms.launch(hosts, 2, VmOptions.named("warm"));
            double launchS = (System.nanoTime() - warmStart) / 1e9;
            log("launch: 20 VMs on 10 hosts in %.2f s cold, %.2f s with the classpath there", launchColdS, launchS);
            for (Vm vm : twenty) {
                vms.stop("launch measured", StopMode.MEAN_KILL, StartMode.NEVER, VmTarget.id(vm.id()));
            }

            Vm ours = vms.launch(host, 1, VmOptions.named("ours")).get(0);
            // the SSH path, as with multihost.vm.direct=false or where a host cannot be reached directly
            VmMaster sshVms = new VmMaster("vm-benchmark-ssh", VmSettings.defaults(Duration.ofSeconds(60)).withDirect(false),
                    (h, port) -> ((SyncReachable) h).forwardToTestJvm(port, Duration.ofSeconds(10)), null,
                    new io.junitmultihost.engine.internal.events.VmEvents());
            Vm overSsh = sshVms.launch(host, 1, VmOptions.named("ssh")).get(0);
            Vm rmiVm = vms.launch(host, 1, VmOptions.named("rmi")
                    .withSystemProperty("java.rmi.server.hostname", host.address())).get(0);
            int port = rmiVm.invoke(PeerImpl::export);
            Peer peer = (Peer) LocateRegistry.getRegistry(host.address(), port).lookup("peer");

            List<Long> oursNanos = new ArrayList<>();
            List<Long> sshNanos = new ArrayList<>();
            List<Long> rmiNanos = new ArrayList<>();
            SerializableCallable<Integer> trivial = () -> 1;
            for (int round = -2; round < rounds; round++) { // two warm-up rounds
                for (int i = 0; i < perRound; i++) {
                    long start = System.nanoTime();
                    ours.invoke(trivial);
                    long took = System.nanoTime() - start;
                    if (round >= 0) {
                        oursNanos.add(took);
                    }
                }
                for (int i = 0; i < perRound; i++) {
                    long start = System.nanoTime();
                    overSsh.invoke(trivial);
                    long took = System.nanoTime() - start;
                    if (round >= 0) {
                        sshNanos.add(took);
                    }
                }
                for (int i = 0; i < perRound; i++) {
                    long start = System.nanoTime();
                    peer.call(trivial);
                    long took = System.nanoTime() - start;
                    if (round >= 0) {
                        rmiNanos.add(took);
                    }
                }
            }
            double invokeMs = median(oursNanos);
            double sshMs = median(sshNanos);
            double rmiMs = median(rmiNanos);
            log("invoke: ours %.3f ms by default (direct), %.3f ms through SSH, RMI %.3f ms (medians of %d each)", invokeMs,
                    sshMs, rmiMs, oursNanos.size());
            sshVms.close();

            String classpath = ours.invoke(() -> System.getProperty("java.class.path"));
            String bare = "java -cp " + ShellQuote.quote(classpath) + " " + ShellQuote.quote(PrintOne.class.getName());
            VmMaster plainVms = new VmMaster("vm-benchmark-no-spares",
                    VmSettings.defaults(Duration.ofSeconds(60)).withSpares(false),
                    (h, to) -> ((SyncReachable) h).forwardToTestJvm(to, Duration.ofSeconds(10)), null,
                    new io.junitmultihost.engine.internal.events.VmEvents());
            Vm plainVm = plainVms.launch(host, 1, VmOptions.named("no-spares")).get(0);
            List<Long> restartNanos = new ArrayList<>();
            List<Long> noSpareNanos = new ArrayList<>();
            List<Long> bareNanos = new ArrayList<>();
            long firstRestart = 0;
            for (int round = -1; round < restarts; round++) {
                Thread.sleep(1000); // restarts a second apart, as a chaos test's are at the most
                long restart = restartUntilAnswered(vms, ours, trivial);
                Thread.sleep(1000);
                long noSpare = restartUntilAnswered(plainVms, plainVm, trivial);
                long start = System.nanoTime();
                host.exec(Command.shell(bare).withDeadline(Duration.ofSeconds(60))).assertSuccess();
                long plain = System.nanoTime() - start;
                if (round >= 0) {
                    restartNanos.add(restart);
                    noSpareNanos.add(noSpare);
                    bareNanos.add(plain);
                } else {
                    firstRestart = restart;
                }
            }
            plainVms.close();
            double restartS = median(restartNanos) / 1000;
            double noSpareS = median(noSpareNanos) / 1000;
            double bareS = median(bareNanos) / 1000;
            log("restart: %.3f s with a spare JVM (the first, with none yet: %.3f s), %.3f s without spares, bare JVM"
                    + " %.3f s (medians of %d)", restartS, firstRestart / 1e9, noSpareS, bareS, restartNanos.size());

            json.put("bench", "vm");
            json.put("invoke_p50_ms", round3(invokeMs));
            json.put("rmi_invoke_p50_ms", round3(rmiMs));
            json.put("ratio_vs_rmi", round3(rmiMs / invokeMs));
            json.put("invoke_ssh_p50_ms", round3(sshMs));
            json.put("ratio_ssh_vs_rmi", round3(rmiMs / sshMs));
            json.put("restart_s", round3(restartS));
            json.put("bare_jvm_s", round3(bareS));
            json.put("restart_ratio", round3(restartS / bareS));
            json.put("restart_first_s", round3(firstRestart / 1e9));
            json.put("restart_no_spares_s", round3(noSpareS));
            json.put("restart_no_spares_ratio", round3(noSpareS / bareS));
            json.put("launch_20_s", round3(launchS));
            json.put("launch_20_cold_s", round3(launchColdS));
            json.put("invoke_rounds", rounds);
            json.put("invokes_per_round", perRound);
            json.put("restart_rounds", restarts);
            json.put("java", Runtime.version().toString());
        }
        System.out.println(SshBenchSupport.json(json));
        System.exit(0);
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
