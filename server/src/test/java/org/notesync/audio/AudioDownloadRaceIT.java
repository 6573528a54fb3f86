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

    /** What happens to an uploaded audio between the download's read of its row and its opening of the file. */
    private interface Meanwhile {
        void happen(Http api, String audio) throws Exception;
    }

    @Test
    void anAudioDeletedBetweenTheReadAndTheOpenIsNotFound() throws Exception {
        Http.Response download = downloadWhile((api, audio) ->
                assertThat(api.delete("/audios/" + audio).status()).isEqualTo(204));
        assertThat(download.status()).as(download.toString()).isEqualTo(404);
        assertThat(download.json().get("detail").asString()).isEqualTo("Audio not found.");
    }

    @Test
    void aRecordingExpiredBetweenTheReadAndTheOpenIsGone() throws Exception {
        Http.Response download = downloadWhile((api, audio) -> {
            jdbc.sql("UPDATE audios SET file_deleted_at = ? WHERE id = ?")
                    .params(OffsetDateTime.now(ZoneOffset.UTC), UUID.fromString(audio)).update();
            storage.delete(key(audio));
        });
        assertThat(download.status()).as(download.toString()).isEqualTo(410);
        assertThat(download.json().get("detail").asString()).contains("retention period");
    }

    @Test
    void aLiveAudioWithoutItsFileIsAFaultThatNamesNothingStored() throws Exception {
        String[] stored = new String[1];
        Http.Response download = downloadWhile((api, audio) -> {
            stored[0] = key(audio);
            storage.delete(stored[0]);
        });
        assertThat(download.status()).as(download.toString()).isEqualTo(500);
        assertThat(download.body()).doesNotContain(stored[0]).doesNotContain("it-data");
    }

    private Http.Response downloadWhile(Meanwhile meanwhile) throws Exception {
        Tenants.Tenant t = tenants.create();
        Http api = t.clinicianApi(port);
        String audio = uploaded(api, t);
        doAnswer(call -> {
            meanwhile.happen(api, audio);
            return call.callRealMethod();
        }).when(audios).open(any());
        Http.Response download = api.get("/audios/" + audio + "/file");
        assertThat(download.header("Content-Type")).as(download.toString()).startsWith("application/problem+json");
        return download;
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
