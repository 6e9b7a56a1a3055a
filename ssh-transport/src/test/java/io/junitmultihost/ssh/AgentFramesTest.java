package io.junitmultihost.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class AgentFramesTest {

    private static final String BOUNDARY = "JMHAGENTabc123";

    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final List<String> frames = new ArrayList<>();
    private final AgentFrames splitter = new AgentFrames(BOUNDARY, new AgentFrames.Listener() {
        @Override
        public void data(byte[] bytes, int off, int len) {
            data.write(bytes, off, len);
        }

        @Override
        public void frame(String text) {
            frames.add(text + "@" + data.size());
        }

        @Override
        public void closed() {
        }
    });

    @Test
    void aFrameIsTakenOutWithTheLineEndTheAgentPutBeforeIt() {
        write("output\n\n" + BOUNDARY + " 7 rc 0\nmore");

        assertThat(data.toString(StandardCharsets.UTF_8)).isEqualTo("output\nmore");
        assertThat(frames).containsExactly("7 rc 0@7");
    }

    @Test
    void textThatStartsLikeTheBoundaryStaysData() {
        write("a\nJMHAGENTabc12x\nJMHAGENT\n");
        splitter.close();

        assertThat(data.toString(StandardCharsets.UTF_8)).isEqualTo("a\nJMHAGENTabc12x\nJMHAGENT\n");
        assertThat(frames).isEmpty();
    }

    @RepeatedTest(50)
    void framesAndDataSurviveAnySplitIntoChunks() {
        Random random = new Random();
        String pattern = "\n" + BOUNDARY + " ";
        StringBuilder expectedData = new StringBuilder();
        List<String> expectedFrames = new ArrayList<>();
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            String piece = randomText(random);
            while ((expectedData + piece).contains(pattern) || (stream + piece).split(pattern, -1).length
                    != expectedFrames.size() + 1) {
                piece = randomText(random); // real output never holds the boundary: the agent picks it at random
            }
            expectedData.append(piece);
            stream.append(piece);
            if (random.nextBoolean()) {
                String frame = i + " val x" + i;
                expectedFrames.add(frame + "@" + expectedData.length());
                stream.append('\n').append(BOUNDARY).append(' ').append(frame).append('\n');
            }
        }
        byte[] bytes = stream.toString().getBytes(StandardCharsets.UTF_8);
        int at = 0;
        while (at < bytes.length) {
            int len = Math.min(bytes.length - at, 1 + random.nextInt(12));
            splitter.write(bytes, at, len);
            at += len;
        }
        splitter.close();

        assertThat(frames).containsExactlyElementsOf(expectedFrames);
        assertThat(data.toString(StandardCharsets.UTF_8)).isEqualTo(expectedData.toString());
    }

    private static String randomText(Random random) {
        String[] parts = {"\n", "J", "JMH", "\nJMHAGENT", "\nJMHAGENTabc", "x", "\n\n", "abc123 ", " "};
        StringBuilder text = new StringBuilder();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            text.append(parts[random.nextInt(parts.length)]);
        }
        return text.toString();
    }

    private void write(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        splitter.write(bytes, 0, bytes.length);
    }
}
