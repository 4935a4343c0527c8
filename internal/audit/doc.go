// Package audit owns the audit log: an append-only table of security-relevant events
// (sign-up, logins, 2FA changes, recovery-code use, resets, step-ups, and later message
// deliveries and opens), each with its tenant, time (UTC), actor, dotted action, object,
// result, source IP and a small detail map. A later change adds a per-tenant hash chain and
// signed checkpoints; until then the database refuses UPDATE, DELETE and TRUNCATE on the
// table, and this package has no code path that changes or removes an event.
//
// Main types: Event, Filter and Store. Store.Record writes in the transaction the context
// carries (db.Tx), so an event commits or rolls back with the action it describes.
//
// What may go in: ids, kinds, results and short descriptive values. No secrets, codes, tokens
// or content: detail keys that name one (password, secret, token, code, key, subject, body,
// … and their plurals; internal/redact decides, for job arguments too) are refused.
// User-controlled text is stored as data inside the JSON detail, never put into SQL text.
//
// It knows no domain: it must not import tenants, mailbox, billing, policy, organizer, views,
// internal/auth, internal/web or internal/config. Authorization (who may read a tenant's log)
// is the caller's job; every query here is bound to the tenant id it is given.
package audit
