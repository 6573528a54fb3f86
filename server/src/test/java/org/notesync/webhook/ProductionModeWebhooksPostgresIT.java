package org.notesync.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.notesync.support.Http;
import org.notesync.support.OnPostgres;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The server in production mode (PostgreSQL only, so this class runs on PostgreSQL alone) refuses webhook
 * URLs that are not https or that point at internal addresses, before anything is sent.
 */
@OnPostgres
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.address=127.0.0.1",
        "notesync.mode=production",
        "notesync.data-dir=target/it-data-production",
        "notesync.secret-key=integration-test-master-key-0123456789",
        "notesync.issuer=http://127.0.0.1"
})
class ProductionModeWebhooksPostgresIT {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @ParameterizedTest
    @ValueSource(strings = {
            "http://example.com/hook",
            "https://localhost/hook",
            "https://127.0.0.1/hook",
            "https://10.1.2.3/hook",
            "https://172.16.0.1/hook",
            "https://172.31.255.254/hook",
            "https://192.168.1.1/hook",
            "https://169.254.169.254/latest/meta-data/",
            "https://100.100.100.200/",
            "https://0.0.0.0/",
            "https://224.0.0.1/",
            "https://[::1]/hook",
            "https://[::]/hook",
            "https://[fc00::1]/hook",
            "https://[fd00:ec2::254]/hook",
            "https://[fe80::1]/hook",
            "https://[::ffff:127.0.0.1]/hook",
            "https://[::ffff:10.0.0.1]/hook",
            "https://2130706433/",
            "https://0177.0.0.1/",
            "https://127.1/"
    })
    void refusesInternalAndPlainHttpDestinations(String url) {
        Http api = tenants.create().api(port);
        Http.Response response = api.post("/webhooks", Map.of("url", url, "events", List.of("new_note")));
        assertThat(response.status()).as(url + " -> " + response).isEqualTo(422);
        assertThat(response.json().get("violations").get(0).get("propertyPath").asString()).isEqualTo("url");
        assertThat(response.json().get("violations").get(0).get("code").asString())
                .isEqualTo(WebhookController.URL_REFUSED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.215.14/hook", "https://[2606:4700:4700::1111]/hook"})
    void acceptsPublicHttpsAddressesWithoutContactingThem(String url) {
        Http api = tenants.create().api(port);
        Http.Response response = api.post("/webhooks", Map.of("url", url, "events", List.of("new_note"),
                "active", false));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
    }
}
