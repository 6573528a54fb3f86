package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataIntegrityViolationException;

@ServerTest
abstract class UsersContract {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    Accounts accounts;

    @Test
    void listsOnlyTheCallersOrganizationsClinicians() {
        Tenants.Tenant a = tenants.create();
        Tenants.Tenant b = tenants.create();
        Accounts.User second = a.addClinician("Grace", "Hopper");

        Http.Response list = a.api(port, "organization").get("/users", "application/json");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().findValuesAsString("uuid"))
                .containsExactlyInAnyOrder(a.clinician().id().toString(), second.id().toString());
        assertThat(list.body()).doesNotContain("@example.test");

        Http.Response hydra = a.api(port, "organization").get("/users");
        assertThat(hydra.json().get("totalItems").asInt()).isEqualTo(2);
        assertThat(hydra.json().at("/member/0/@type").asString()).isEqualTo("User");

        Http.Response other = b.api(port, "organization").get("/users/" + a.clinician().id());
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.api(port, "organization").get("/users/" + second.id()).json().get("firstName").asString())
                .isEqualTo("Grace");
    }

    @Test
    void meAnswersJsonOrA406LikeEveryOtherEndpoint() {
        Http api = tenants.create().api(port);
        assertThat(api.get("/me", "application/json").status()).isEqualTo(200);
        assertThat(api.get("/me", "application/ld+json").status()).isEqualTo(200);
        Http.Response problem = api.get("/me", "application/problem+json");
        assertThat(problem.status()).as("a success is never labelled a problem: " + problem).isEqualTo(406);
        assertThat(problem.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void needsTheOrganizationScope() {
        Tenants.Tenant a = tenants.create();
        assertThat(a.api(port, "read:notes").get("/users").status()).isEqualTo(403);
    }

    @Test
    void aClinicianAlwaysHasBothNamesSoTheDocumentTypesThemAsStrings() {
        Tenants.Tenant a = tenants.create();
        assertThatThrownBy(() -> accounts.createUser(a.organization().id(), "nameless@example.test", "!", null, "Doe"))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> accounts.createUser(a.organization().id(), "nameless@example.test", "!", "Jane", null))
                .isInstanceOf(DataIntegrityViolationException.class);

        Http.Response document = new Http(port, null).get("/v3/api-docs", "application/json");
        for (String schema : new String[] {"User", "UserAccount", "UserSummary", "Owner"}) {
            for (String name : new String[] {"firstName", "lastName"}) {
                assertThat(document.json().at("/components/schemas/" + schema + "/properties/" + name + "/type")
                        .toString()).as(schema + "." + name).isEqualTo("\"string\"");
            }
        }
    }
}
