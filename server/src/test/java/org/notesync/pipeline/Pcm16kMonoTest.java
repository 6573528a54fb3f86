package org.notesync.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.time.Duration;

import javax.sound.sampled.UnsupportedAudioFileException;

import org.junit.jupiter.api.Test;
import org.notesync.audio.AudioSamples;

class Pcm16kMonoTest {

    @Test
    void downsamplesAStereoCdRateWavTo16kMonoKeepingTheSignal() throws Exception {
        float[] samples = Pcm16kMono.decode(new ByteArrayInputStream(AudioSamples.wav(2.0, 44_100, 2)));
        assertThat(samples.length).isBetween(31_990, 32_010);
        assertThat(peak(samples)).isBetween(0.45f, 0.51f); // a 440 Hz tone at 0.5 survives the averaging
        assertThat(crossings(samples)).isBetween(2 * 440 * 2 - 10, 2 * 440 * 2 + 10); // still 440 Hz
    }

    @Test
    void upsamplesTelephoneRateAndPassesThrough16k() throws Exception {
        float[] up = Pcm16kMono.decode(new ByteArrayInputStream(AudioSamples.wav(1.0, 8_000, 1)));
        assertThat(up.length).isBetween(15_990, 16_010);
        assertThat(crossings(up)).isBetween(2 * 440 - 6, 2 * 440 + 6);
        float[] same = Pcm16kMono.decode(new ByteArrayInputStream(AudioSamples.wav(1.0, 16_000, 1)));
        assertThat(same.length).isEqualTo(16_000);
        assertThat(peak(same)).isBetween(0.49f, 0.51f);
    }

    @Test
    void whatTheJdkCannotDecodeIsRefused() {
        assertThatThrownBy(() -> Pcm16kMono.decode(new ByteArrayInputStream(AudioSamples.mp3())))
                .isInstanceOf(UnsupportedAudioFileException.class);
        assertThatThrownBy(() -> Pcm16kMono.decode(new ByteArrayInputStream(AudioSamples.oggOpus())))
                .isInstanceOf(UnsupportedAudioFileException.class);
    }

    /**
     * A WAV the JDK reads but whose header would make the decoded samples unbounded is refused before decoding,
     * with a reason: a 1 Hz header upsampled to 16 kHz is 16,000 samples a byte (a 20 KB file took the heap).
     */
    @Test
    void aWavWhoseHeaderWouldMakeTooManySamplesIsRefused() {
        assertThatThrownBy(() -> Pcm16kMono.decode(new ByteArrayInputStream(AudioSamples.wav(10_000, 1, 1))))
                .isInstanceOf(Pcm16kMono.Refused.class).hasMessageContaining("sample rate (1 Hz)");
        assertThatThrownBy(() -> Pcm16kMono.decode(new ByteArrayInputStream(AudioSamples.wav(0.01, 8_000, 9))))
                .isInstanceOf(Pcm16kMono.Refused.class).hasMessageContaining("9 channels");
        // A header saying 2 hours and 10 minutes at 4 kHz over a few bytes of samples.
        byte[] wav = AudioSamples.wav(0.01, 4_000, 1);
        java.nio.ByteBuffer.wrap(wav, 40, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4_000 * 2 * 7_800);
        assertThatThrownBy(() -> Pcm16kMono.decode(new ByteArrayInputStream(wav)))
                .isInstanceOf(Pcm16kMono.Refused.class).hasMessageContaining("longer than 2 hours");
    }

    @Test
    void readsAWavFilesDurationFromItsHeader() {
        assertThat(Pcm16kMono.wavDuration(new ByteArrayInputStream(AudioSamples.wav(2.5, 22_050, 2))))
                .isEqualTo(Duration.ofMillis(2_500));
        assertThat(Pcm16kMono.wavDuration(new ByteArrayInputStream(AudioSamples.mp3()))).isNull();
    }

    /**
     * A header says how long the recording is, the bytes how long it is: a WAV cut short (an upload of the first
     * part of a file, a recorder that never finished its header) showed the header's length as the audio's
     * {@code duration}, and a 32 KB file whose header claimed 4 GB of samples showed 37 hours.
     */
    @Test
    void aWavsDurationIsWhatItsSamplesHoldWhenTheHeaderClaimsMore() {
        byte[] wav = AudioSamples.wav(1.0, 16_000, 1); // 44 bytes of header, then 32,000 of samples
        byte[] cut = java.util.Arrays.copyOf(wav, 44 + 8_000);
        assertThat(Pcm16kMono.wavDuration(new ByteArrayInputStream(cut))).isEqualTo(Duration.ofMillis(250));
        byte[] headerOnly = java.util.Arrays.copyOf(wav, 44);
        assertThat(Pcm16kMono.wavDuration(new ByteArrayInputStream(headerOnly))).isNull();
        byte[] huge = wav.clone();
        java.nio.ByteBuffer.wrap(huge, 40, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0xFFFF_FF00);
        assertThat(Pcm16kMono.wavDuration(new ByteArrayInputStream(huge))).isEqualTo(Duration.ofSeconds(1));
    }

    private static float peak(float[] samples) {
        float peak = 0;
        for (float s : samples) {
            peak = Math.max(peak, Math.abs(s));
        }
        return peak;
    }

    private static int crossings(float[] samples) {
        int n = 0;
        for (int i = 1; i < samples.length; i++) {
            if (samples[i - 1] < 0 != samples[i] < 0) {
                n++;
            }
        }
        return n;
    }
}
