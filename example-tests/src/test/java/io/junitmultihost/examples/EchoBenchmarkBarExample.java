package io.junitmultihost.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Collect;
import io.junitmultihost.api.Host;
import io.junitmultihost.api.MultiHostAfterAll;
import io.junitmultihost.api.MultiHostPart;
import io.junitmultihost.api.Role;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fails on purpose, to show what a failing test leaves in its report: {@link LkpStyleTest}'s
 * benchmark held to a bar no host reaches. The server's and the client's logs and a command's output
 * are collected from both hosts before anything is cleaned up, into
 * {@code target/multihost-report/artifacts/EchoBenchmarkBarExample/echo-benchmark/<host>/}, and
 * attached to the test. Kept out of the main job (its name does not end in {@code Test}): run it
 * with {@code ./mvnw -Pexamples,failing-example verify}, or see FailingExampleArtifactsTest.
 */
@Role(name = "server")
@Role(name = "client")
@Collect(files = "lkp-*.log", commands = "uname -a")
class EchoBenchmarkBarExample {

    private static final Pattern RATE = Pattern.compile("per_second=([0-9]+)");

    @MultiHostPart(test = "echo-benchmark", role = "server", timeout = "5m")
    void server(Host self) {
        LkpStyleTest.serve(self);
    }

    @MultiHostPart(test = "echo-benchmark", role = "client")
    void client(Host self) {
        Matcher rate = RATE.matcher(LkpStyleTest.benchmark(self));
        assertThat(rate.find()).as("the benchmark printed its rate").isTrue();
        assertThat(Long.parseLong(rate.group(1))).as("requests per second, against a bar set to fail")
                .isGreaterThanOrEqualTo(1_000_000_000L);
    }

    @MultiHostAfterAll
    void stopServer(@Role("server") Host server) {
        server.execShell("test -s lkp-echo.pid && kill $(cut -d' ' -f1 lkp-echo.pid) 2>/dev/null; rm -f lkp-echo.pid; true");
    }
}
