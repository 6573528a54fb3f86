-- Runs on PostgreSQL 15+ and on H2 in PostgreSQL mode: keep to the SQL both understand.

CREATE TABLE organizations (
    id             uuid PRIMARY KEY,
    name           varchar(200) NOT NULL,
    street_address varchar(300),
    city           varchar(120),
    postal_code    varchar(30),
    country        varchar(2),
    created_at     timestamp with time zone NOT NULL
);

CREATE TABLE users (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id),
    email           varchar(320) NOT NULL UNIQUE, -- stored lower-cased
    password_hash   varchar(200) NOT NULL,
    first_name      varchar(120),
    last_name       varchar(120),
    is_verified     boolean NOT NULL DEFAULT FALSE,
    created_at      timestamp with time zone NOT NULL
);
CREATE INDEX users_organization ON users (organization_id);

-- Spring Security's authorization server tables (its schema with text for blob and timestamptz for timestamp).
CREATE TABLE oauth2_registered_client (
    id                            varchar(100) NOT NULL PRIMARY KEY,
    client_id                     varchar(100) NOT NULL UNIQUE,
    client_id_issued_at           timestamp with time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
    client_secret                 varchar(200),
    client_secret_expires_at      timestamp with time zone,
    client_name                   varchar(200) NOT NULL,
    client_authentication_methods varchar(1000) NOT NULL,
    authorization_grant_types     varchar(1000) NOT NULL,
    redirect_uris                 varchar(1000),
    post_logout_redirect_uris     varchar(1000),
    scopes                        varchar(1000) NOT NULL,
    client_settings               varchar(2000) NOT NULL,
    token_settings                varchar(2000) NOT NULL
);

CREATE TABLE oauth2_authorization (
    id                            varchar(100) NOT NULL PRIMARY KEY,
    registered_client_id          varchar(100) NOT NULL,
    principal_name                varchar(200) NOT NULL,
    authorization_grant_type      varchar(100) NOT NULL,
    authorized_scopes             varchar(1000),
    attributes                    text,
    state                         varchar(500),
    authorization_code_value      text,
    authorization_code_issued_at  timestamp with time zone,
    authorization_code_expires_at timestamp with time zone,
    authorization_code_metadata   text,
    access_token_value            text,
    access_token_issued_at        timestamp with time zone,
    access_token_expires_at       timestamp with time zone,
    access_token_metadata         text,
    access_token_type             varchar(100),
    access_token_scopes           varchar(1000),
    oidc_id_token_value           text,
    oidc_id_token_issued_at       timestamp with time zone,
    oidc_id_token_expires_at      timestamp with time zone,
    oidc_id_token_metadata        text,
    refresh_token_value           text,
    refresh_token_issued_at       timestamp with time zone,
    refresh_token_expires_at      timestamp with time zone,
    refresh_token_metadata        text,
    user_code_value               text,
    user_code_issued_at           timestamp with time zone,
    user_code_expires_at          timestamp with time zone,
    user_code_metadata            text,
    device_code_value             text,
    device_code_issued_at         timestamp with time zone,
    device_code_expires_at        timestamp with time zone,
    device_code_metadata          text
);

CREATE TABLE oauth2_authorization_consent (
    registered_client_id varchar(100) NOT NULL,
    principal_name       varchar(200) NOT NULL,
    authorities          varchar(1000) NOT NULL,
    PRIMARY KEY (registered_client_id, principal_name)
);

-- Every OAuth 2 client belongs to one organization; its tokens see only that organization.
CREATE TABLE client_organizations (
    registered_client_id varchar(100) PRIMARY KEY REFERENCES oauth2_registered_client (id) ON DELETE CASCADE,
    organization_id      uuid NOT NULL REFERENCES organizations (id)
);

-- The token signing key, shared by every node; the private half is encrypted with the master key.
CREATE TABLE signing_keys (
    id          integer PRIMARY KEY,
    kid         varchar(64) NOT NULL UNIQUE,
    public_key  text NOT NULL,
    private_key text NOT NULL,
    created_at  timestamp with time zone NOT NULL
);

CREATE TABLE patients (
    id                  uuid PRIMARY KEY,
    organization_id     uuid NOT NULL REFERENCES organizations (id),
    user_id             uuid REFERENCES users (id),
    first_name          varchar(200),
    last_name           varchar(200),
    language_spoken     varchar(35),
    date_of_birth       date,
    gender              varchar(10),
    visibility_option   varchar(10),
    external_id         varchar(200),
    external_created_at timestamp with time zone,
    email               varchar(320),
    phone               varchar(50),
    anonymous_code      varchar(100),
    created_at          timestamp with time zone NOT NULL,
    updated_at          timestamp with time zone NOT NULL,
    synchronized_at     timestamp with time zone,
    deleted_at          timestamp with time zone
);
CREATE INDEX patients_org_created ON patients (organization_id, created_at, id);
CREATE INDEX patients_org_updated ON patients (organization_id, updated_at, id);
CREATE INDEX patients_org_external ON patients (organization_id, external_id);
CREATE INDEX patients_org_user ON patients (organization_id, user_id);

CREATE TABLE notes (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id),
    patient_id      uuid NOT NULL REFERENCES patients (id),
    user_id         uuid NOT NULL REFERENCES users (id),
    audio_id        uuid,
    type            varchar(64) NOT NULL,
    content         text NOT NULL,
    created_at      timestamp with time zone NOT NULL,
    updated_at      timestamp with time zone NOT NULL
);
-- A filtered, ordered page of one organization's notes walks one of these.
CREATE INDEX notes_org_created ON notes (organization_id, created_at, id);
CREATE INDEX notes_org_updated ON notes (organization_id, updated_at, id);
CREATE INDEX notes_org_patient ON notes (organization_id, patient_id, created_at);
CREATE INDEX notes_org_user ON notes (organization_id, user_id, created_at);
CREATE INDEX notes_org_audio ON notes (organization_id, audio_id);
CREATE INDEX notes_org_type ON notes (organization_id, type, created_at);
