CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('personal', 'organization')),
    region      TEXT NOT NULL,
    plan        TEXT NOT NULL,
    created_at  {{ .Timestamp }} NOT NULL
);
--bun:split
CREATE TABLE accounts (
    id                       TEXT PRIMARY KEY,
    email                    TEXT NOT NULL UNIQUE,
    email_verified_at        {{ .Timestamp }},
    name                     TEXT NOT NULL,
    mobile                   TEXT NOT NULL,
    mobile_verified_at       {{ .Timestamp }},
    locale                   TEXT NOT NULL,
    password_record          TEXT NOT NULL,
    personal_tenant_id       TEXT NOT NULL REFERENCES tenants (id),
    totp_secret_sealed       {{ .Blob }},
    totp_pending_sealed      {{ .Blob }},
    totp_enabled_at          {{ .Timestamp }},
    totp_last_step           {{ .BigInt }} NOT NULL DEFAULT 0,
    backup_phone             TEXT,
    backup_phone_pending     TEXT,
    backup_phone_verified_at {{ .Timestamp }},
    created_at               {{ .Timestamp }} NOT NULL,
    updated_at               {{ .Timestamp }} NOT NULL
);
--bun:split
CREATE TABLE memberships (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'finance', 'member')),
    suspended   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  {{ .Timestamp }} NOT NULL,
    PRIMARY KEY (tenant_id, account_id)
);
--bun:split
CREATE INDEX memberships_account ON memberships (account_id);
--bun:split
CREATE TABLE account_keys (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    state           TEXT NOT NULL CHECK (state IN ('current', 'old')),
    public_key      {{ .Blob }} NOT NULL,
    public_key_mac  {{ .Blob }} NOT NULL,
    sealed_kek      {{ .Blob }},
    wrapped         {{ .Blob }},
    created_at      {{ .Timestamp }} NOT NULL
);
--bun:split
CREATE INDEX account_keys_account ON account_keys (account_id, state);
--bun:split
CREATE TABLE recovery_codes (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    key_id      TEXT NOT NULL,
    record      TEXT NOT NULL,
    sealed_key  {{ .Blob }} NOT NULL,
    used_at     {{ .Timestamp }},
    created_at  {{ .Timestamp }} NOT NULL
);
--bun:split
CREATE INDEX recovery_codes_account ON recovery_codes (account_id);
--bun:split
CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    secret_hash    {{ .Blob }} NOT NULL UNIQUE,
    stage          TEXT NOT NULL CHECK (stage IN ('mfa', 'full')),
    key_id         TEXT NOT NULL,
    sealed_key     {{ .Blob }} NOT NULL,
    step_up_until  {{ .Timestamp }},
    user_agent     TEXT NOT NULL,
    ip             TEXT NOT NULL,
    created_at     {{ .Timestamp }} NOT NULL,
    auth_at        {{ .Timestamp }} NOT NULL,
    last_seen_at   {{ .Timestamp }} NOT NULL,
    expires_at     {{ .Timestamp }} NOT NULL
);
--bun:split
CREATE INDEX sessions_account ON sessions (account_id);
--bun:split
CREATE INDEX sessions_expires ON sessions (expires_at);
--bun:split
CREATE TABLE email_tokens (
    id          TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    email       TEXT NOT NULL,
    token_hash  {{ .Blob }} NOT NULL UNIQUE,
    created_at  {{ .Timestamp }} NOT NULL,
    expires_at  {{ .Timestamp }} NOT NULL,
    used_at     {{ .Timestamp }}
);
--bun:split
CREATE INDEX email_tokens_expires ON email_tokens (expires_at);
--bun:split
CREATE TABLE sms_codes (
    id          TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL,
    object      TEXT NOT NULL,
    phone       TEXT NOT NULL,
    code_hash   {{ .Blob }} NOT NULL,
    created_at  {{ .Timestamp }} NOT NULL,
    expires_at  {{ .Timestamp }} NOT NULL,
    used_at     {{ .Timestamp }}
);
--bun:split
CREATE INDEX sms_codes_object ON sms_codes (purpose, object);
--bun:split
CREATE TABLE sms_sends (
    id          TEXT PRIMARY KEY,
    phone       TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    ip          TEXT NOT NULL,
    sent_at     {{ .Timestamp }} NOT NULL
);
--bun:split
CREATE INDEX sms_sends_phone ON sms_sends (phone, sent_at);
--bun:split
CREATE INDEX sms_sends_account ON sms_sends (account_id, sent_at);
--bun:split
CREATE INDEX sms_sends_ip ON sms_sends (ip, sent_at);
--bun:split
CREATE INDEX sms_sends_prefix ON sms_sends (prefix, sent_at);
--bun:split
CREATE TABLE throttles (
    key              TEXT PRIMARY KEY,
    failures         INTEGER NOT NULL,
    last_failure_at  {{ .Timestamp }} NOT NULL,
    blocked_until    {{ .Timestamp }} NOT NULL
);
