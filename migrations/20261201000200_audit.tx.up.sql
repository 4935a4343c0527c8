-- The audit log: append-only, one row per security-relevant event, scoped to a tenant.
-- tenant_id is deliberately not a foreign key: the log outlives what it describes.
-- detail is a JSON object of string to string; user-controlled text lives only inside it.
CREATE TABLE audit_events (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    at           {{ .Timestamp }} NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_kind  TEXT NOT NULL DEFAULT '',
    object_id    TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL CHECK (result IN ('success', 'failure', 'denied')),
    ip           TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '{}'
);
--bun:split
CREATE INDEX audit_events_tenant_at ON audit_events (tenant_id, at, id);
--bun:split
-- The database itself refuses to change or remove an event, whoever asks. A later migration
-- that must rewrite rows (e.g. to backfill a hash chain) drops and recreates these triggers.
{{ if eq .Blob "BYTEA" -}}
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;
--bun:split
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--bun:split
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
{{- else -}}
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--bun:split
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
{{- end }}
