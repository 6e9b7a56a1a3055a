package io.junitmultihost.engine.internal.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link RunRecord} as {@code events.jsonl} (one JSON object per line) and
 * {@code timeline.html} (one self-contained page: a lane per host, zoom, pan, details on hover,
 * failures linked to their tests). Each file is written beside and then moved over the old one, so
 * a reader never sees half a file. Internal.
 */
public final class RunReport {

    /** The events file's name. */
    public static final String EVENTS = "events.jsonl";
    /** The timeline page's name. */
    public static final String TIMELINE = "timeline.html";

    private static final String TEMPLATE = "/io/junitmultihost/engine/report/timeline.html";
    private static final String DATA_MARK = "/*EVENTS*/[]";

    private RunReport() {
    }

    /** Writes both files into {@code dir} (made when missing) and returns their paths. */
    public static List<Path> write(RunRecord record, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> events = record.events();
        StringBuilder lines = new StringBuilder();
        for (Map<String, Object> event : events) {
            lines.append(Json.object(event)).append('\n');
        }
        if (record.dropped() > 0) {
            lines.append(Json.object(Map.of("kind", "record.truncated", "host", "", "dropped", record.dropped(),
                    "t", record.start().toString(), "ms", 0))).append('\n');
        }
        Path jsonl = replace(dir.resolve(EVENTS), lines.toString());
        String data = "[" + String.join(",", lines.toString().lines().toList()) + "]";
        Path html = replace(dir.resolve(TIMELINE), template().replace(DATA_MARK, data));
        return List.of(jsonl, html);
    }

    static String template() {
        try (InputStream in = RunReport.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("The timeline template [" + TEMPLATE + "] is missing from the engine jar.");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path replace(Path target, String text) throws IOException {
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            return Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
