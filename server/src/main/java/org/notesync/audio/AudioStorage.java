package org.notesync.audio;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Where audio bytes live, outside the relational tables: a directory by default. Keys are made by the
 * caller and contain only {@code [a-z0-9-/.]}. A store must make a written object visible only once it is
 * complete, so a crash never leaves half a file under a key.
 */
public interface AudioStorage {

    /** A complete object: its key and when it was written. */
    record StoredObject(String key, Instant written) {
    }

    /** Writes the whole stream under the key and returns how many bytes it wrote. */
    long write(String key, InputStream content) throws IOException;

    InputStream open(String key) throws IOException;

    /** Removes the object; nothing happens when there is none under the key. */
    void delete(String key) throws IOException;

    /**
     * Calls {@code each} for every complete object, in no particular order, for the sweep that removes the
     * files no audio refers to ({@link AudioSweep}). An object removed while the store is listed (by an
     * upload's move, a deletion, another node's sweep) is passed over, never an error.
     */
    void forEachObject(Consumer<StoredObject> each) throws IOException;

    /**
     * Removes what writes that never completed (the process died during a copy) left behind before
     * {@code startedBefore}. A store that leaves nothing behind, or expires it itself (an object store's
     * rule for incomplete multipart uploads), does nothing; returns how many it removed.
     */
    default int removeIncomplete(Instant startedBefore) throws IOException {
        return 0;
    }
}
