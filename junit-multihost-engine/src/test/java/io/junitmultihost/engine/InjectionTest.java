package io.junitmultihost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.junitmultihost.api.ConfigurationException;
import io.junitmultihost.engine.fixtures.InjectionFixture;
import io.junitmultihost.engine.fixtures.Recorder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

class InjectionTest {

    private static final String CLASS = InjectionFixture.class.getName();

    private EngineExecutionResults results;

    @BeforeEach
    void run() {
        Recorder.clear();
        results = Kit.run(InjectionFixture.class);
    }

    @Test
    void handlesAreInjectedByExactTypeIntoTestsAndTheConstructor() {
        results.testEvents().assertThatEvents().haveExactly(1, event(test("byRole"), finishedSuccessfully()));
        assertThat(Recorder.events()).containsExactly("db=host-1 roles=[db]", "apps=[host-2, host-3]",
                "cluster=[host-1, host-2, host-3]", "same cluster=true");
    }

    @Test
    void faultsAreInjectedAsTheClustersOwnHandle() {
        results.testEvents().assertThatEvents().haveExactly(1, event(test("faults"), finishedSuccessfully()));
    }

    @Test
    void aHostOfARoleWithTwoHostsIsAnErrorThatSaysToUseAList() {
        results.testEvents().assertThatEvents().haveExactly(1, event(test("oneHostOfARoleOfTwo"),
                finishedWithFailure(instanceOf(ConfigurationException.class), message(
                        "The parameter [io.junitmultihost.api.Host app] in method [void " + CLASS
                                + ".oneHostOfARoleOfTwo(io.junitmultihost.api.Host)] asks for the single host of role"
                                + " [app], but the role has [2] hosts: [host-2, host-3]. Declare it as"
                                + " @Role(\"app\") List<Host> to get them all."))));
    }

    @Test
    void aHostWithoutRoleInAClassOfSeveralHostsIsAnErrorThatSaysToNameTheRole() {
        results.testEvents().assertThatEvents().haveExactly(1, event(test("hostWithoutRoleInAClassOfThree"),
                finishedWithFailure(instanceOf(ConfigurationException.class), message(m -> m.contains(
                        "is a Host without @Role, which works only when the class has exactly one host, but it has [3]:"
                                + " [host-1, host-2, host-3]. Name the role with @Role(\"...\").")))));
    }

    @Test
    void anUnsupportedParameterIsAnErrorWordedLikeJupiters() {
        results.testEvents().assertThatEvents().haveExactly(1, event(test("unsupportedType"),
                finishedWithFailure(instanceOf(ConfigurationException.class), message(m -> m.startsWith(
                        "No resolver registered for parameter [java.lang.String text] in method [void " + CLASS
                                + ".unsupportedType(java.lang.String)].")))));
        results.testEvents().assertThatEvents().haveExactly(1, event(test("listWithoutRole"),
                finishedWithFailure(message(m -> m.startsWith("No resolver registered for parameter"
                        + " [java.util.List<io.junitmultihost.api.Host> hosts] in method")))));
    }

    @Test
    void aRoleTheClassDoesNotDeclareIsAnErrorListingTheDeclaredOnes() {
        results.testEvents().assertThatEvents().haveExactly(1, event(test("undeclaredRole"),
                finishedWithFailure(message(m -> m.endsWith(
                        "names the role [nope], which its class does not declare; declared roles: [db, app].")))));
    }

    @Test
    void brokenParametersFailOnlyTheirOwnTest() {
        results.testEvents().assertStatistics(s -> s.started(7).succeeded(2).failed(5));
        results.containerEvents().assertStatistics(s -> s.failed(0));
    }
}
