package org.notesync.audio;

import java.nio.file.Path;

import org.notesync.NotesyncProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AudioConfiguration {

    /** A directory by default; another {@link AudioStorage} bean (an object store) replaces it. */
    @Bean
    @ConditionalOnMissingBean(AudioStorage.class)
    AudioStorage audioStorage(AudioProperties audio, NotesyncProperties notesync) {
        String dir = audio.storageDir() != null && !audio.storageDir().isBlank() ? audio.storageDir()
                : Path.of(notesync.dataDir(), "audios").toString();
        return new DirectoryAudioStorage(Path.of(dir));
    }
}
