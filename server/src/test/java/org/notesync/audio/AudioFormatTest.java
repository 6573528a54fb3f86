package org.notesync.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AudioFormatTest {

    @Test
    void recognisesEachAcceptedFormatByItsFirstBytes() {
        assertThat(sniff(AudioSamples.wav())).contains(AudioFormat.WAV);
        assertThat(sniff(AudioSamples.mp3())).contains(AudioFormat.MP3);
        assertThat(sniff(AudioSamples.mp3WithoutTag())).contains(AudioFormat.MP3);
        assertThat(sniff(AudioSamples.oggOpus())).contains(AudioFormat.OGG);
        assertThat(sniff(AudioSamples.webm())).contains(AudioFormat.WEBM);
        assertThat(sniff(AudioSamples.m4a())).contains(AudioFormat.M4A);
        assertThat(sniff(AudioSamples.aacAdts())).contains(AudioFormat.AAC);
    }

    @Test
    void refusesWhatOnlyLooksLikeAudioByName() {
        assertThat(sniff(AudioSamples.text())).isEmpty();
        assertThat(sniff(AudioSamples.matroska())).isEmpty(); // EBML, but not WebM
        assertThat(sniff("RIFF\0\0\0\0AVI LIST".getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
        assertThat(sniff("\0\0\0\u0018ftypqt  ".getBytes(StandardCharsets.ISO_8859_1))).isEmpty(); // QuickTime
        assertThat(sniff("%PDF-1.7 xxxxxxx".getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
        assertThat(sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0})).isEmpty(); // JPEG
        assertThat(sniff(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF})).isEmpty();
        assertThat(sniff(new byte[] {'R', 'I', 'F'})).isEmpty();
        assertThat(sniff(new byte[0])).isEmpty();
    }

    @Test
    void mediaTypesRoundTrip() {
        for (AudioFormat f : AudioFormat.values()) {
            assertThat(AudioFormat.ofMediaType(f.mediaType())).contains(f);
        }
    }

    private static Optional<AudioFormat> sniff(byte[] bytes) {
        byte[] header = java.util.Arrays.copyOf(bytes, Math.min(bytes.length, AudioFormat.HEADER_BYTES));
        return AudioFormat.sniff(header, header.length);
    }
}
