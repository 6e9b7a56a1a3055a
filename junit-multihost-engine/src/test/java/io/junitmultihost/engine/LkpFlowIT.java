package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.junitmultihost.api.TestDeadlineException;
import io.junitmultihost.engine.fixtures.LkpFlowFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import io.junitmultihost.engine.internal.hosts.MustNotSkip;
import java.util.List;
import org.assertj.core.api.Condition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * lkp's multi-machine flow driven from the hosts' shells through the engine, on embedded hosts and
 * on the lab (fails under CI=true when the lab cannot run): see {@link LkpFlowFixture}.
 */
class LkpFlowIT {

    private static Condition<Event> id(String text) {
        return new Condition<>(e -> e.getTestDescriptor().getUniqueId().toString().contains(text),
                "unique ID containing " + text);
    }

    private static Condition<Event> container() {
        return new Condition<>(e -> e.getTestDescriptor().isContainer(), "a container");
    }

    @ParameterizedTest(name = "on {0} hosts")
    @ValueSource(strings = {"embedded", "lab"})
    void theLkpFlowRunsFromTheHostsShellsWithNothingWiredByHand(String provider) {
        if (provider.equals("lab")) {
            MustNotSkip.requireLab();
        }
        Recorder.clear();

        EngineExecutionResults results = Kit.engine().configurationParameter("multihost.provider", provider)
                .configurationParameter("multihost.hosts.timeout", "2m")
                .selectors(selectClass(LkpFlowFixture.class)).execute();

        results.testEvents().failed().stream().forEach(e -> e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
        List<String> events = Recorder.events();
        List<String> flows = events.stream().filter(e -> e.startsWith("lkp ")).toList();
        assertThat(flows).as("every part went through ready, roles_ip and finish").hasSize(3);
        String server = flows.stream().filter(e -> e.startsWith("lkp server")).findFirst().orElseThrow();
        String serverAddress = server.replaceAll("(?s).*roles-ip: server=(\\S+) .*", "$1");
        for (String flow : flows) {
            assertThat(flow).contains(": ready\nroles-ip: server=" + serverAddress + " client=")
                    .contains("\nenv: " + (flow.startsWith("lkp server") ? "server" : "client") + " server="
                            + serverAddress + " client=")
                    .endsWith("\nfinish");
        }
        String clients = server.replaceAll("(?s).*roles-ip: server=\\S+ client=([^\n]*)\n.*", "$1");
        assertThat(clients.split(" ")).as("both clients' addresses, from the roles").hasSize(2);
        assertThat(server).contains("client=" + clients + "\nfinish");

        results.allEvents().assertThatEvents()
                .haveExactly(1, event(id("[distributed-test:lkp]"), container(), finishedSuccessfully()))
                .haveExactly(1, event(id("[distributed-test:lkp-broken]/[part:serverWhoseDaemonFails@"),
                        finishedWithFailure(message(m -> m.contains("the daemon would not start")))))
                .haveExactly(2, event(id("[distributed-test:lkp-broken]/[part:clientWaitingReady@"),
                        abortedWithReason(message(m -> m.startsWith("Aborted because part [server on ")
                                && m.contains("the daemon would not start")))))
                .haveExactly(3, event(id("[distributed-test:lkp-late]/[part:"),
                        finishedWithFailure(instanceOf(TestDeadlineException.class))));
        List<String> late = events.stream().filter(e -> e.startsWith("late client")).toList();
        assertThat(late).as("the deadline aborted the clients' wait_finish, which returned at once").hasSize(2)
                .allSatisfy(e -> assertThat(e).contains(": exit 1 abort ").contains("Syncs were aborted by [the engine]:"
                        + " distributed test [LkpFlowFixture.lkp-late] did not end within its deadline [3 s]"));
        assertThat(events).contains("explicit: ready");
        results.testEvents().assertStatistics(s -> s.succeeded(4).failed(4).aborted(2));
    }

    @org.junit.jupiter.api.Test
    void whenAPartsHostDiesTheOthersWaitReturnsAbortWellBeforeItsTimeout() {
        MustNotSkip.requireLab();
        Recorder.clear();

        Kit.engine().configurationParameter("multihost.provider", "lab")
                .configurationParameter("multihost.hosts.timeout", "2m")
                .selectors(selectClass(io.junitmultihost.engine.fixtures.LkpHostDiesFixture.class)).execute();

        String server = Recorder.events().stream().filter(e -> e.startsWith("server after ")).findFirst().orElseThrow();
        System.out.println(server);
        assertThat(server).contains(": exit 1 ").contains("abort");
        assertThat(Integer.parseInt(server.replaceAll("server after (\\d+) s:(?s).*", "$1")))
                .as("well before the wait's 90 s: %s", server).isLessThan(45);
    }
}
