package io.junitmultihost.engine.internal.hosts;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A fault of the fault matrix ({@link FaultMatrixIT}), injected on one lab host and lifted again.
 * The killed test JVM is its own row, run by {@link KilledTestJvmMain}.
 */
enum MatrixFault {

    /** Every process of the host killed at once; it boots again by itself after the down time. */
    HOST_CRASHED("host crashed") {
        @Override
        void apply(LabControl lab) {
            lab.crash();
        }
    },
    /**
     * Every sshd process (listener and sessions) killed with SIGKILL; the host's init starts sshd
     * again. (A host going down for a reboot may have none left to kill.)
     */
    SSHD_KILLED("sshd killed") {
        @Override
        void apply(LabControl lab) {
            lab.killSshd();
        }
    },
    /** Every packet to and from the host dropped. */
    LINK_CUT("link cut") {
        @Override
        void apply(LabControl lab) {
            lab.cutLink();
        }
    },
    /** All packets dropped at random, each way (nftables numgen): as a cut, by another path. */
    LOSS_100("100% packet loss") {
        @Override
        void apply(LabControl lab) {
            lab.dropPackets(100);
        }
    },
    /** 30% of packets dropped at random, each way: operations should get through, slower. */
    LOSS_30("30% packet loss") {
        @Override
        void apply(LabControl lab) {
            lab.dropPackets(30);
        }

        @Override
        boolean beforeTheOperation() {
            return true;
        }
    },
    /** The host rebooted as {@code reboot} on it would (SIGTERM, then its PID namespace ends; back after the down time). */
    HOST_REBOOTED("host rebooted") {
        @Override
        CompletableFuture<Void> inject(LabControl lab) {
            return CompletableFuture.runAsync(() -> lab.reboot(RECOVERY));
        }
    },
    /** Power cut: every process killed, nothing answers until powered on. */
    HOST_POWERED_OFF("host powered off") {
        @Override
        void apply(LabControl lab) {
            lab.powerOff();
        }
    };

    /** How long a host may take to come back once a fault is lifted. */
    static final Duration RECOVERY = Duration.ofSeconds(90);

    private final String title;

    MatrixFault(String title) {
        this.title = title;
    }

    String title() {
        return title;
    }

    /** Applies the fault to the host; what it set going in the background (done for most faults). */
    CompletableFuture<Void> inject(LabControl lab) {
        apply(lab);
        return CompletableFuture.completedFuture(null);
    }

    void apply(LabControl lab) {
        throw new UnsupportedOperationException(name());
    }

    /** Whether the fault is applied before the operation starts (a steady condition) rather than while it runs. */
    boolean beforeTheOperation() {
        return false;
    }

    /** Lifts the fault and waits until the host is up and answers SSH again. */
    void recover(LabControl lab, CompletableFuture<Void> injected) throws Exception {
        lab.clearFaults();
        if (this == HOST_POWERED_OFF) {
            lab.powerOn(RECOVERY);
        }
        try {
            injected.get(RECOVERY.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // the lab's reboot may lose track of a host that rebooted meanwhile by another hand
            // (the reboot wait's own): what counts is that the host comes back
        }
        lab.awaitUp(RECOVERY);
        // sshd is started again by the host's init a second after it died; the lab's state stays UP meanwhile
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> lab.exec("true", Duration.ofSeconds(10)) != null);
    }
}
