package io.junitmultihost.inventory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Test fixture: what the provider logs while {@code action} runs. slf4j-simple writes to the
 * current {@code System.err} (its default, not the cached one), so swapping it captures the lines.
 */
final class StderrLog {

    private StderrLog() {
    }

    static String during(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        return log;
    }
}
