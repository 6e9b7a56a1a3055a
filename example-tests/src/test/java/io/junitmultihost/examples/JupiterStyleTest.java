package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Cluster;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.Hosts;
import io.junitmultihost.api.Role;
import io.junitmultihost.jupiter.MultiHost;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same hosts in a plain Jupiter test: {@code @MultiHost} registers the extension, and
 * {@code @Test}, {@code @ParameterizedTest}, {@code @BeforeEach} (and {@code @Nested}) work as usual.
 */
@MultiHost
@Hosts(@Role(name = "node", count = 2))
class JupiterStyleTest {

    @BeforeEach
    void cleanScratch(Cluster cluster) {
        cluster.hosts().forEach(h -> h.exec("rm", "-f", "scratch.txt").assertSuccess());
    }

    @Test
    void bothNodesAreLeasedAndAnswer(@Role("node") List<Host> nodes) {
        assertThat(nodes).hasSize(2).extracting(Host::name).doesNotHaveDuplicates();
        assertThat(nodes).allSatisfy(node -> node.exec("true").assertSuccess());
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "with spaces", "quotes ' and \"", "$HOME `id` ; rm -rf /"})
    void argumentsArriveVerbatim(String argument, @Role("node") List<Host> nodes) {
        for (Host node : nodes) {
            assertThat(node.exec("printf", "%s", argument).assertSuccess().stdout()).isEqualTo(argument);
        }
    }

    @Test
    void aFileWrittenOnANodeIsReadBackThere(Cluster cluster) {
        Host node = cluster.role("node").get(0);
        node.execShell("echo written > scratch.txt").assertSuccess();
        assertThat(node.exec("cat", "scratch.txt").stdout()).isEqualTo("written\n");
    }
}
