CREATE TABLE blob_objects (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    region      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('writing', 'committed', 'deleting')),
    size        {{ .BigInt }} NOT NULL DEFAULT 0,
    sha256      {{ .Blob }},
    chunk_size  {{ .BigInt }} NOT NULL,
    chunks      {{ .Blob }},
    degraded    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  {{ .Timestamp }} NOT NULL,
    updated_at  {{ .Timestamp }} NOT NULL
);
--bun:split
CREATE INDEX blob_objects_tenant ON blob_objects (tenant_id, region, state);
--bun:split
CREATE INDEX blob_objects_state ON blob_objects (state, created_at);
--bun:split
CREATE TABLE blob_copies (
    object_id   TEXT NOT NULL REFERENCES blob_objects (id) ON DELETE CASCADE,
    site        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('ok', 'missing', 'corrupt')),
    checked_at  {{ .Timestamp }} NOT NULL,
    PRIMARY KEY (object_id, site)
);
--bun:split
CREATE TABLE blob_deletions (
    object_id   TEXT NOT NULL,
    site        TEXT NOT NULL,
    object_key  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  {{ .Timestamp }} NOT NULL,
    updated_at  {{ .Timestamp }} NOT NULL,
    PRIMARY KEY (object_id, site)
);
--bun:split
CREATE INDEX blob_deletions_site ON blob_deletions (site, object_id);
--bun:split
CREATE TABLE blob_moves (
    tenant_id    TEXT PRIMARY KEY,
    to_region    TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('running', 'done')),
    total        {{ .BigInt }} NOT NULL DEFAULT 0,
    moved        {{ .BigInt }} NOT NULL DEFAULT 0,
    started_at   {{ .Timestamp }} NOT NULL,
    updated_at   {{ .Timestamp }} NOT NULL,
    finished_at  {{ .Timestamp }}
);
