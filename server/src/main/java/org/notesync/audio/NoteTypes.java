package org.notesync.audio;

import java.util.List;

/**
 * The note types the pipeline can write (one prompt template each). Defined here and implemented by the
 * pipeline, so an upload asking for a type nobody can write is refused at once rather than failing later.
 */
public interface NoteTypes {

    String DEFAULT = "consultation_summary";

    List<String> available();
}
