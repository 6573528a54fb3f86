package org.notesync.identity;

import java.util.List;

/** Every scope a client may be granted. */
public final class Scopes {

    public static final String PROFILE = "profile";
    public static final String ORGANIZATION = "organization";
    public static final String READ_NOTES = "read:notes";
    public static final String WRITE_NOTES = "write:notes";
    public static final String READ_PATIENTS = "read:patients";
    public static final String WRITE_PATIENTS = "write:patients";
    public static final String READ_AUDIOS = "read:audios";
    public static final String WRITE_AUDIOS = "write:audios";
    public static final String READ_WEBHOOKS = "read:webhooks";
    public static final String WRITE_WEBHOOKS = "write:webhooks";
    public static final String ADMIN = "admin";

    /** Everything an integration may ask for; {@code admin} is for operators only. */
    public static final List<String> INTEGRATION = List.of(PROFILE, ORGANIZATION, READ_NOTES, WRITE_NOTES,
            READ_PATIENTS, WRITE_PATIENTS, READ_AUDIOS, WRITE_AUDIOS, READ_WEBHOOKS, WRITE_WEBHOOKS);

    public static final List<String> ALL = java.util.stream.Stream.concat(INTEGRATION.stream(), java.util.stream.Stream.of(ADMIN)).toList();

    private Scopes() {
    }
}
