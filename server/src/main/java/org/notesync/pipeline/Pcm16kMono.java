package org.notesync.pipeline;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Decodes audio to what whisper.cpp takes: 16 kHz mono float samples in [-1, 1]. Uses the JDK's
 * javax.sound.sampled only, so it reads what the JDK reads: WAV with PCM (8, 16, 24, 32-bit integer,
 * 32-bit float), µ-law or A-law samples (and AIFF and AU files, which the API does not accept). MP3,
 * OGG/Opus, WebM and M4A/AAC need a codec the JDK does not have: they are refused with
 * {@link UnsupportedAudioFileException}. Channels are averaged; the rate is converted by averaging the
 * input samples each output sample covers (downsampling) or by linear interpolation (upsampling).
 */
final class Pcm16kMono {

    static final int RATE = 16_000;
    /** The longest recording decoded: 2 hours are 115 million samples, 460 MB of heap. */
    static final Duration MAX_DURATION = Duration.ofHours(2);
    private static final long MAX_SAMPLES = MAX_DURATION.toSeconds() * RATE;
    /** The sample rates and channels read: a header's 1 Hz upsampled to 16 kHz is 16,000 samples a byte. */
    static final float MIN_INPUT_RATE = 4_000;
    static final float MAX_INPUT_RATE = 192_000;
    static final int MAX_CHANNELS = 8;

    /** A file the JDK reads that is not decoded: its reason says why, without anything of its content. */
    static final class Refused extends UnsupportedAudioFileException {
        Refused(String reason) {
            super(reason);
        }
    }

    private Pcm16kMono() {
    }

    static float[] decode(InputStream in) throws IOException, UnsupportedAudioFileException {
        try (AudioInputStream source = AudioSystem.getAudioInputStream(new BufferedInputStream(in))) {
            javax.sound.sampled.AudioFormat format = source.getFormat();
            int channels = format.getChannels();
            float rate = format.getSampleRate();
            if (!(rate >= MIN_INPUT_RATE && rate <= MAX_INPUT_RATE)) {
                throw new Refused("its sample rate (" + Math.round(rate) + " Hz) is outside 4 to 192 kHz");
            }
            if (channels < 1 || channels > MAX_CHANNELS) {
                throw new Refused("it has " + channels + " channels; at most " + MAX_CHANNELS + " are read");
            }
            long frames = source.getFrameLength();
            if (frames > 0 && frames / rate > MAX_DURATION.toSeconds()) {
                throw new Refused("it is longer than " + MAX_DURATION.toHours() + " hours");
            }
            javax.sound.sampled.AudioFormat pcm16 = new javax.sound.sampled.AudioFormat(
                    javax.sound.sampled.AudioFormat.Encoding.PCM_SIGNED, format.getSampleRate(), 16, channels,
                    channels * 2, format.getSampleRate(), false);
            AudioInputStream pcm;
            try {
                pcm = AudioSystem.getAudioInputStream(pcm16, source);
            } catch (IllegalArgumentException e) {
                throw new UnsupportedAudioFileException("no conversion from " + format.getEncoding() + " to PCM");
            }
            return resample(pcm, channels, format.getSampleRate());
        }
    }

    /**
     * The length of a WAV file: its header's, or what its samples hold when there are fewer of them (a file cut
     * short, a header claiming more than was sent); null when the JDK cannot read it or it holds no sample.
     * Reads through the samples without keeping them.
     */
    static Duration wavDuration(InputStream in) {
        try (AudioInputStream audio = AudioSystem.getAudioInputStream(new BufferedInputStream(in))) {
            int frameSize = audio.getFormat().getFrameSize();
            float rate = audio.getFormat().getFrameRate();
            if (frameSize <= 0 || rate <= 0) {
                return null;
            }
            // The stream ends at the header's frame count or at the last byte, whichever comes first.
            long bytes = 0;
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = audio.read(buffer, 0, buffer.length - buffer.length % frameSize)) > 0) {
                bytes += n;
            }
            long frames = bytes / frameSize;
            return frames <= 0 ? null : Duration.ofMillis(Math.round(frames * 1000.0 / rate));
        } catch (IOException | UnsupportedAudioFileException e) {
            return null;
        }
    }

    /** Streams through the input once: a long recording is never held twice in memory. */
    private static float[] resample(AudioInputStream pcm, int channels, float inputRate) throws IOException, Refused {
        double step = inputRate / RATE; // input samples per output sample
        Samples out = new Samples();
        byte[] buffer = new byte[channels * 2 * 4096];
        double sum = 0;
        int count = 0;
        double nextBoundary = step; // for downsampling: where the current output sample's window ends
        long index = 0;             // input sample index
        float previous = 0;
        double position = 0;        // for upsampling: the next output sample's position in input samples
        int n;
        int pending = 0;
        while ((n = pcm.read(buffer, pending, buffer.length - pending)) > 0 || pending > 0 && n < 0) {
            int available = pending + Math.max(n, 0);
            int frames = available / (channels * 2);
            for (int f = 0; f < frames; f++) {
                float mono = 0;
                for (int c = 0; c < channels; c++) {
                    int at = (f * channels + c) * 2;
                    mono += (short) ((buffer[at] & 0xFF) | (buffer[at + 1] << 8)) / 32768f;
                }
                mono /= channels;
                if (step >= 1) {
                    sum += mono;
                    count++;
                    if (index + 1 >= nextBoundary) {
                        out.add((float) (sum / count));
                        sum = 0;
                        count = 0;
                        nextBoundary += step;
                    }
                } else {
                    while (position <= index) {
                        double t = position - (index - 1);
                        out.add((float) (previous + (mono - previous) * Math.max(0, Math.min(1, t))));
                        position += step;
                    }
                    previous = mono;
                }
                index++;
            }
            int used = frames * channels * 2;
            pending = available - used;
            System.arraycopy(buffer, used, buffer, 0, pending);
            if (n < 0) {
                break;
            }
        }
        if (count > 0) {
            out.add((float) (sum / count));
        }
        return out.toArray();
    }

    private static final class Samples {
        private float[] values = new float[RATE * 60];
        private int size;

        void add(float value) throws Refused {
            if (size == values.length) {
                if (size >= MAX_SAMPLES) { // a header that said less, or nothing
                    throw new Refused("it is longer than " + MAX_DURATION.toHours() + " hours");
                }
                values = Arrays.copyOf(values, (int) Math.min(MAX_SAMPLES, values.length * 2L));
            }
            values[size++] = value;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
