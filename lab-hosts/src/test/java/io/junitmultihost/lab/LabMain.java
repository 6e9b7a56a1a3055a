package io.junitmultihost.lab;

import java.time.Duration;

/**
 * Starts a lab of {@code args[0]} hosts (default 2), prints {@code READY <lab id>} and sleeps: the
 * JVM that {@link LeftoversIT} kills to leave a lab behind.
 */
public final class LabMain {

    private LabMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Lab lab = Lab.start(LabOptions.builder().hosts(hosts).build());
        System.out.println("READY " + lab.id());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5).toMillis());
        lab.close();
    }
}
