package io.junitmultihost.engine.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.junitmultihost.api.Hosts;
import io.junitmultihost.api.Role;
import org.junit.jupiter.api.Test;

class RoleDeclarationsTest {

    @Role("db")
    static class ByValue {
    }

    @Role(value = "db", name = "app")
    static class BothNames {
    }

    @Role(name = "has blank")
    static class BadName {
    }

    @Hosts({@Role(name = "web", count = 3, min = 2)})
    static class Quorum {
    }

    static class Plain {
    }

    @Role(name = "own")
    static class Overrides extends Quorum {
    }

    @Test
    void aRoleNamedByValueMeansOneHost() {
        assertThat(RoleDeclarations.of(ByValue.class).roles()).containsExactly(new RoleDeclaration("db", 1, 1));
    }

    @Test
    void minDefaultsToCountAndAQuorumKeepsItsMin() {
        assertThat(RoleDeclarations.of(Quorum.class).roles()).containsExactly(new RoleDeclaration("web", 3, 2));
    }

    @Test
    void theNearestDeclarationWinsOverASuperclasss() {
        assertThat(RoleDeclarations.of(Overrides.class).names()).containsExactly("own");
    }

    @Test
    void conflictingOrMalformedNamesAreProblemsNamingTheClass() {
        assertThat(RoleDeclarations.of(BothNames.class).problems()).singleElement().asString()
                .contains(BothNames.class.getName(), "value [db]", "name [app]");
        assertThat(RoleDeclarations.of(BadName.class).problems()).singleElement().asString()
                .contains("[has blank]", "letters, digits");
    }

    @Test
    void aClassWithoutRolesHasNone() {
        assertThat(RoleDeclarations.of(Plain.class).isEmpty()).isTrue();
    }
}
