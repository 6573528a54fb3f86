package org.notesync.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.notesync.support.ApiAssertions.assertProblem;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.notesync.patient.PatientFixture;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The upload size limit is spring.servlet.multipart.max-file-size (200 MB in application.yml); here a
 * small one, so that an oversize upload is cheap to send. Its own database: this context's pipeline
 * worker must not take other tests' jobs.
 */
@ServerTest
@TestPropertySource(properties = {
        "spring.servlet.multipart.max-file-size=64KB",
        "spring.servlet.multipart.max-request-size=80KB",
        "spring.datasource.url=jdbc:h2:mem:notesync-upload-limit-it;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1"
})
class AudioUploadLimitIT {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anUploadOverTheLimitIsA413ProblemAndOneUnderItIsAccepted() {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).ownedBy(t.clinician().id()).insert();

        byte[] oversize = AudioSamples.wav(3.0, 16_000, 1); // about 96 KB
        assertThat(oversize.length).isGreaterThan(80 * 1024);
        JsonNode problem = assertProblem(Upload.to(api).wav(oversize).field("patient", patient).send(), 413);
        assertThat(problem.get("title").asString()).isEqualTo("Content Too Large");
        assertThat(problem.get("detail").asString())
                .isEqualTo("The upload is larger than the server accepts (64KB per file).");

        byte[] fileOverLimit = AudioSamples.wav(2.2, 16_000, 1); // about 70 KB: over the file limit only
        assertThat(fileOverLimit.length).isBetween(64 * 1024 + 1, 80 * 1024 - 1024);
        assertProblem(Upload.to(api).wav(fileOverLimit).field("patient", patient).send(), 413);

        assertThat(jdbc.sql("SELECT COUNT(*) FROM audios WHERE organization_id = ?").param(t.organization().id())
                .query(Long.class).single()).isZero();
        assertThat(Upload.to(api).wav(AudioSamples.wav(1.0, 16_000, 1)).field("patient", patient).send().status())
                .isEqualTo(201);
    }
}
