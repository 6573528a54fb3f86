package org.notesync.audio;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Small audio files made on the spot: a real WAV, and the first bytes of each other accepted format. */
public final class AudioSamples {

    private AudioSamples() {
    }

    /** A 16-bit PCM WAV of a 440 Hz tone at 0.5 amplitude. */
    public static byte[] wav(double seconds, int rate, int channels) {
        int frames = (int) Math.round(seconds * rate);
        byte[] pcm = new byte[frames * channels * 2];
        for (int f = 0; f < frames; f++) {
            short value = (short) Math.round(Math.sin(2 * Math.PI * 440 * f / rate) * 0.5 * Short.MAX_VALUE);
            for (int c = 0; c < channels; c++) {
                int at = (f * channels + c) * 2;
                pcm[at] = (byte) value;
                pcm[at + 1] = (byte) (value >> 8);
            }
        }
        javax.sound.sampled.AudioFormat format = new javax.sound.sampled.AudioFormat(rate, 16, channels, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format, frames)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] wav() {
        return wav(1.0, 16_000, 1);
    }

    /** An ID3v2 tag then an MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz). */
    public static byte[] mp3() {
        byte[] bytes = padded(new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0}, 400);
        return bytes;
    }

    /** A bare MPEG-1 Layer III frame header, no tag. */
    public static byte[] mp3WithoutTag() {
        return padded(new byte[] {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64}, 400);
    }

    public static byte[] oggOpus() {
        return padded(concat("OggS".getBytes(StandardCharsets.US_ASCII), new byte[22],
                "OpusHead".getBytes(StandardCharsets.US_ASCII)), 400);
    }

    public static byte[] webm() {
        return padded(concat(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x9F, 0x42, (byte) 0x86,
                (byte) 0x81, 0x01, 0x42, (byte) 0x82, (byte) 0x84}, "webm".getBytes(StandardCharsets.US_ASCII)), 400);
    }

    public static byte[] matroska() {
        return padded(concat(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x9F, 0x42, (byte) 0x82,
                (byte) 0x88}, "matroska".getBytes(StandardCharsets.US_ASCII)), 400);
    }

    public static byte[] m4a() {
        return padded(concat(new byte[] {0, 0, 0, 0x20}, "ftypM4A ".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0, 0, 0, 0}, "M4A mp42isom".getBytes(StandardCharsets.US_ASCII)), 400);
    }

    /** An ADTS AAC frame header (MPEG-4, AAC LC, 44.1 kHz, stereo). */
    public static byte[] aacAdts() {
        return padded(new byte[] {(byte) 0xFF, (byte) 0xF1, 0x50, (byte) 0x80, 0x02, 0x1F, (byte) 0xFC}, 400);
    }

    public static byte[] text() {
        return "Patient notes: this is a text file, not a recording.\n".repeat(10).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] padded(byte[] head, int length) {
        byte[] bytes = new byte[Math.max(length, head.length)];
        System.arraycopy(head, 0, bytes, 0, head.length);
        for (int i = head.length; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
