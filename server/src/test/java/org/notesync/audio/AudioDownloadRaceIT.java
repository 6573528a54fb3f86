package org.notesync.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.notesync.patient.PatientFixture;
import org.notesync.support.Http;
import org.notesync.support.ServerTest;
import org.notesync.support.Tenants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

/**
 * {@code GET /audios/{uuid}/file} reads the audio's row, then opens its file. A file gone by then is
 * answered as the row says once read again: a 404 if the audio was deleted meanwhile, a 410 if its
 * retention ended; a live row whose file is missing is a fault of the storage (a 500 that names nothing
 * stored). The spy does the in-between work just before the file is opened.
 */
@ServerTest
class AudioDownloadRaceIT {

    @LocalServerPort
    int port;

    @Autowired
    Tenants tenants;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AudioStorage storage;

    @MockitoSpyBean
    Audios audios;

    @Test
    void anAudioDeletedBetweenTheReadAndTheOpenIsNotFound() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        String audio = uploaded(api, t);
        doAnswer(call -> {
            assertThat(api.delete("/audios/" + audio).status()).isEqualTo(204);
            return call.callRealMethod();
        }).when(audios).open(any());

        Http.Response download = api.get("/audios/" + audio + "/file");
        assertThat(download.status()).as(download.toString()).isEqualTo(404);
        assertThat(download.header("Content-Type")).startsWith("application/problem+json");
        assertThat(download.json().get("detail").asString()).isEqualTo("Audio not found.");
    }

    @Test
    void aRecordingExpiredBetweenTheReadAndTheOpenIsGone() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        String audio = uploaded(api, t);
        doAnswer(call -> {
            expire(audio);
            return call.callRealMethod();
        }).when(audios).open(any());

        Http.Response download = api.get("/audios/" + audio + "/file");
        assertThat(download.status()).as(download.toString()).isEqualTo(410);
        assertThat(download.header("Content-Type")).startsWith("application/problem+json");
        assertThat(download.json().get("detail").asString()).contains("retention period");
    }

    @Test
    void aLiveAudioWithoutItsFileIsAFaultThatNamesNothingStored() throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        String audio = uploaded(api, t);
        doAnswer(call -> {
            storage.delete(key(audio));
            return call.callRealMethod();
        }).when(audios).open(any());

        Http.Response download = api.get("/audios/" + audio + "/file");
        assertThat(download.status()).as(download.toString()).isEqualTo(500);
        assertThat(download.header("Content-Type")).startsWith("application/problem+json");
        assertThat(download.body()).doesNotContain(key(audio)).doesNotContain("it-data");
    }

    private void expire(String audio) throws Exception {
        jdbc.sql("UPDATE audios SET file_deleted_at = ? WHERE id = ?")
                .params(OffsetDateTime.now(ZoneOffset.UTC), UUID.fromString(audio)).update();
        storage.delete(key(audio));
    }

    private String key(String audio) {
        return jdbc.sql("SELECT storage_key FROM audios WHERE id = ?").param(UUID.fromString(audio))
                .query(String.class).single();
    }

    private String uploaded(Http api, Tenants.Tenant t) {
        UUID patient = PatientFixture.patientOf(jdbc, t.organization().id()).ownedBy(t.clinician().id()).insert();
        Http.Response created = Upload.to(api).wav(AudioSamples.wav()).field("patient", patient).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("uuid").asString();
    }
}
