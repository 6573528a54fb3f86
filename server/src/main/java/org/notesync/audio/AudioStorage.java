package org.notesync.audio;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where audio bytes live, outside the relational tables: a directory by default. Keys are made by the
 * caller and contain only {@code [a-z0-9-/.]}. A store must make a written object visible only once it is
 * complete, so a crash never leaves half a file under a key.
 */
public interface AudioStorage {

    /** Writes the whole stream under the key and returns how many bytes it wrote. */
    long write(String key, InputStream content) throws IOException;

    InputStream open(String key) throws IOException;

    void delete(String key) throws IOException;
}
