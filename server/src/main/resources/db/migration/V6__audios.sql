-- Audio consultations and the durable pipeline that turns each into a note.
-- Runs on PostgreSQL 15+ and on H2 in PostgreSQL mode: keep to the SQL both understand.

-- The bytes live in the audio storage (a directory by default), under storage_key; a row holds what
-- the API shows and what the pipeline needs.
CREATE TABLE audios (
    id                   uuid PRIMARY KEY,
    organization_id      uuid NOT NULL REFERENCES organizations (id),
    patient_id           uuid NOT NULL REFERENCES patients (id),
    user_id              uuid NOT NULL REFERENCES users (id),
    -- uploaded, transcribing, transcribed, generating, completed, failed
    status               varchar(20) NOT NULL,
    failure_reason       varchar(500),
    language_spoken      varchar(35),
    note_type            varchar(64) NOT NULL,
    content_type         varchar(50) NOT NULL, -- the format recognised from the bytes, not the one claimed
    size_bytes           bigint NOT NULL,
    storage_key          varchar(200) NOT NULL,
    transcript_source    varchar(200),         -- 'upload' or the engine that transcribed it
    transcription        text,
    -- Lower-cased, accents removed, for the accent-insensitive search (no unaccent extension on H2).
    transcription_search text,
    duration_ms          bigint,
    note_id              uuid,
    created_at           timestamp with time zone NOT NULL,
    updated_at           timestamp with time zone NOT NULL,
    transcribed_at       timestamp with time zone,
    completed_at         timestamp with time zone
);
CREATE INDEX audios_org_created ON audios (organization_id, created_at, id);
CREATE INDEX audios_org_updated ON audios (organization_id, updated_at, id);
CREATE INDEX audios_org_patient ON audios (organization_id, patient_id, created_at);
CREATE INDEX audios_org_user ON audios (organization_id, user_id, created_at);
CREATE INDEX audios_org_language ON audios (organization_id, language_spoken);

-- One row per pipeline step of an audio (transcribe, then generate), claimed as a lease like the
-- webhook deliveries: locked_by/locked_until, reclaimed when the lease expires. attempts counts claims,
-- so a step that kills its worker every time still ends.
CREATE TABLE pipeline_jobs (
    id              uuid PRIMARY KEY,
    audio_id        uuid NOT NULL REFERENCES audios (id),
    step            varchar(20) NOT NULL,  -- transcribe, generate
    status          varchar(20) NOT NULL,  -- pending, done, failed
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamp with time zone NOT NULL,
    locked_by       varchar(100),
    locked_until    timestamp with time zone,
    last_error      varchar(500),
    created_at      timestamp with time zone NOT NULL,
    updated_at      timestamp with time zone NOT NULL,
    completed_at    timestamp with time zone,
    CONSTRAINT pipeline_jobs_one_per_step UNIQUE (audio_id, step)
);
CREATE INDEX pipeline_jobs_due ON pipeline_jobs (status, next_attempt_at);
