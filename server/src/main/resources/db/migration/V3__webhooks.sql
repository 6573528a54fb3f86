-- Webhook subscriptions, the transactional outbox of events, and the delivery queue with its log.
-- Runs on PostgreSQL 15+ and on H2 in PostgreSQL mode: keep to the SQL both understand.

CREATE TABLE webhooks (
    id                    uuid PRIMARY KEY,
    organization_id       uuid NOT NULL REFERENCES organizations (id),
    -- The clinician whose token created it: such a webhook also receives that clinician's private
    -- patients' notes. Null for an organization-wide webhook (client-credentials token).
    owner_user_id         uuid REFERENCES users (id),
    url                   varchar(2048) NOT NULL,
    events                varchar(500) NOT NULL, -- space-separated event names
    active                boolean NOT NULL,
    secret                text NOT NULL,         -- whsec_ secret, encrypted with the master key
    previous_secret       text,                  -- still signed with until previous_secret_until
    previous_secret_until timestamp with time zone,
    disabled_reason       varchar(300),
    failing_since         timestamp with time zone, -- first failure of the current failing streak
    created_at            timestamp with time zone NOT NULL,
    updated_at            timestamp with time zone NOT NULL
);
CREATE INDEX webhooks_org ON webhooks (organization_id, created_at, id);

-- The outbox: written in the note's transaction, one row per event, with its rendered JSON so the
-- delivery workers never load the note again.
CREATE TABLE webhook_events (
    id              uuid PRIMARY KEY,
    event_id        uuid NOT NULL,         -- the "id" receivers see: the note's uuid for new_note
    organization_id uuid NOT NULL REFERENCES organizations (id),
    action          varchar(40) NOT NULL,
    payload         text NOT NULL,
    created_at      timestamp with time zone NOT NULL
);

-- One row per (webhook, event). A work queue: workers claim due rows with a lease
-- (locked_by, locked_until) and record the outcome; terminal states are succeeded and failed.
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,
    webhook_id       uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    organization_id  uuid NOT NULL,
    event_id         uuid NOT NULL REFERENCES webhook_events (id),
    status           varchar(16) NOT NULL,   -- pending | succeeded | failed
    attempts         integer NOT NULL,       -- attempts since it was created or last replayed
    next_attempt_at  timestamp with time zone, -- null once terminal, so the due index stays small
    locked_by        varchar(100),
    locked_until     timestamp with time zone,
    last_status_code integer,
    last_error       varchar(40),
    created_at       timestamp with time zone NOT NULL,
    first_attempt_at timestamp with time zone,
    last_attempt_at  timestamp with time zone,
    completed_at     timestamp with time zone,
    replays          integer NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, status, created_at);
CREATE INDEX webhook_deliveries_org ON webhook_deliveries (organization_id, status, created_at);

-- The delivery log: one row per delivery per HTTP request that carried it. Never note content.
CREATE TABLE webhook_attempts (
    id               uuid PRIMARY KEY,
    delivery_id      uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    request_id       varchar(64) NOT NULL,   -- the webhook-id header of that request
    attempted_at     timestamp with time zone NOT NULL,
    duration_ms      integer NOT NULL,
    status_code      integer,
    error_kind       varchar(40),
    response_excerpt varchar(1024),
    batch_size       integer NOT NULL,
    node_id          varchar(100) NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempted_at);

-- POST /webhooks/{uuid}/recover: a background replay of a window of failed deliveries.
CREATE TABLE webhook_recoveries (
    id              uuid PRIMARY KEY,
    webhook_id      uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL,
    window_start    timestamp with time zone NOT NULL,
    window_end      timestamp with time zone NOT NULL,
    status          varchar(16) NOT NULL,    -- running | completed | interrupted (the database failed meanwhile)
    total           integer NOT NULL,
    replayed        integer NOT NULL,
    created_at      timestamp with time zone NOT NULL,
    completed_at    timestamp with time zone
);
