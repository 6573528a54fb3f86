package org.notesync.audio;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The audio formats accepted, recognised by their first bytes (never by the file name or the
 * Content-Type the client claims: both are often wrong, and a text file named {@code .wav} is not audio).
 */
public enum AudioFormat {

    WAV("audio/wav", "wav"),
    MP3("audio/mpeg", "mp3"),
    OGG("audio/ogg", "ogg"),
    WEBM("audio/webm", "webm"),
    M4A("audio/mp4", "m4a"),
    AAC("audio/aac", "aac");

    /** How many leading bytes {@link #sniff} looks at. */
    public static final int HEADER_BYTES = 64;

    /** ISO base media brands of audio files (M4A from phones and recorders, AAC in MP4, 3GPP audio). */
    private static final Set<String> MP4_BRANDS = Set.of("M4A ", "M4B ", "mp41", "mp42", "isom", "iso2", "iso4",
            "iso5", "iso6", "dash", "3gp4", "3gp5", "3gp6", "3g2a", "MSNV", "f4a ");

    private final String mediaType;
    private final String extension;

    AudioFormat(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    public String mediaType() {
        return mediaType;
    }

    public String extension() {
        return extension;
    }

    public static Optional<AudioFormat> ofMediaType(String mediaType) {
        return Arrays.stream(values()).filter(f -> f.mediaType.equals(mediaType)).findFirst();
    }

    /** The format whose signature the header starts with, if any. */
    public static Optional<AudioFormat> sniff(byte[] header, int length) {
        if (length >= 12 && ascii(header, 0, "RIFF") && ascii(header, 8, "WAVE")) {
            return Optional.of(WAV);
        }
        if (length >= 4 && ascii(header, 0, "OggS")) {
            return Optional.of(OGG);
        }
        if (length >= 12 && ascii(header, 4, "ftyp") && MP4_BRANDS.contains(new String(header, 8, 4,
                StandardCharsets.ISO_8859_1))) {
            return Optional.of(M4A);
        }
        if (length >= 4 && (header[0] & 0xFF) == 0x1A && (header[1] & 0xFF) == 0x45 && (header[2] & 0xFF) == 0xDF
                && (header[3] & 0xFF) == 0xA3) {
            // EBML: Matroska and WebM share it; the DocType element in the header tells them apart.
            return contains(header, length, "webm") ? Optional.of(WEBM) : Optional.empty();
        }
        if (length >= 10 && ascii(header, 0, "ID3")) {
            // An ID3v2 tag precedes MP3 frames (and, rarely, ADTS AAC; MP3 is what carries it in practice).
            return Optional.of(MP3);
        }
        if (length >= 4 && (header[0] & 0xFF) == 0xFF && (header[1] & 0xE0) == 0xE0) {
            int version = (header[1] >> 3) & 0x3;
            int layer = (header[1] >> 1) & 0x3;
            int bitrate = (header[2] >> 4) & 0xF;
            int sampleRate = (header[2] >> 2) & 0x3;
            if (layer == 0 && (header[1] & 0xF0) == 0xF0) {
                return Optional.of(AAC); // ADTS: 12-bit sync, layer always 0
            }
            if (version != 1 && layer != 0 && bitrate != 0xF && sampleRate != 0x3) {
                return Optional.of(MP3); // a valid MPEG audio frame header
            }
        }
        return Optional.empty();
    }

    private static boolean ascii(byte[] bytes, int offset, String expected) {
        for (int i = 0; i < expected.length(); i++) {
            if (bytes[offset + i] != (byte) expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(byte[] bytes, int length, String needle) {
        outer:
        for (int i = 0; i + needle.length() <= length; i++) {
            for (int j = 0; j < needle.length(); j++) {
                if (bytes[i + j] != (byte) needle.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
