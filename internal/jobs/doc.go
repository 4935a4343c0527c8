// Package jobs runs background work with River on the application's own database: SQLite
// (riversqlite) by default, PostgreSQL (riverpgxv5 on a pgx pool opened from the same URL)
// at scale. It owns the River client, the registry of workers and the periodic schedule;
// River's tables are created by Migrate, which `securemailbox migrate` calls.
//
// Main types: Workers (Register a function per job kind), Client (Enqueue, EnqueueTx, Start,
// Stop), Options and Periodic.
//
// Job arguments carry ids only, never secrets or content. They are stored in clear in the
// database, shown by tools and kept after the job ran, so a link key, a code, a token or a
// subject in them would break the invariant that such things never reach the database. Mail
// or SMS that carries a secret is composed and sent during the request instead; a job gets
// the id of what it works on and loads the rest itself. Enqueue enforces this: arguments
// whose JSON has a field named like a secret or content (token, secret, code, password, key,
// body, subject, text, …) or an over-long string are refused, and Register refuses such
// argument types up front.
//
// Transactions: EnqueueTx inserts the job in the caller's bun transaction, so the job exists
// exactly when the action that wanted it commits. On SQLite the River client uses a pool of
// its own (one connection, the same file and pragmas), while EnqueueTx writes through the
// caller's transaction on the application pool; on PostgreSQL EnqueueTx goes through River's
// database/sql driver on that same transaction. Inside a transaction on SQLite, always use
// EnqueueTx: Enqueue would wait for the write lock the transaction holds.
//
// It knows no domain: it must not import tenants, mailbox, billing, policy, organizer, views,
// internal/auth, internal/web or internal/config. Packages that enqueue declare their own
// one-method interface and the same Args alias, and cmd wires *Client into them.
package jobs
