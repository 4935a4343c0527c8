// Package blob is SecureMailbox's replicated object storage: every object is kept on the
// three sites of its tenant's region (local directories by default, S3-compatible buckets
// at scale), checksummed, verified on every read, repaired, scrubbed, erased on delete and
// moved between regions on request. Only ciphertext reaches it (internal/keys encrypts
// before); it knows no domain: tenancy arrives as a Scope{Tenant, Region}, and an object
// is an opaque byte stream with a random id.
//
// It imports no domain package, and neither internal/keys nor internal/jobs: background work
// goes out through the one-method Enqueuer (with JobArgs an alias of the jobs package's own
// interface), and the wiring registers workers that call Repair, DeleteCopy, Scrub,
// CollectOrphans and MoveTenant. bun appears only in store*.go. crypto/sha256 is used for
// integrity checksums of stored ciphertext and crypto/rand for object ids and for the
// random bytes that overwrite erased copies; neither protects a secret, which is why they
// live here rather than in internal/keys.
//
// # Main types
//
// [Store] (opened with [Open] from [Options]) with Put, Get, Stat, Delete, Regions, Check,
// Repair, Scrub, CollectOrphans, MoveTenant and Close. [Ref] names an object (id, tenant,
// size, SHA-256). The catalog lives in the database (tables blob_objects, blob_copies,
// blob_deletions, blob_moves); [ErrNotFound], [ErrCorrupt], [ErrUnavailable] and
// [ErrUnknownRegion] are what callers branch on.
//
// # Placement and keys
//
// An object of tenant T lives under "t/T/<2>/<id>" on each of the three sites of its region
// and on no other site: objectKey is the one function that applies the tenant prefix. Ids are
// 160 random bits, never derived from anything and never sequential. While a residency move
// of the tenant runs, new objects go to the move's target region.
//
// # Write policy
//
// Put streams the reader once, in 1 MiB chunks with at most four in flight (memory does not
// grow with the object), to all three sites in parallel while one goroutine hashes: the
// object's SHA-256 and the SHA-256 chaining value at the end of every chunk come from the
// same pass. Each site writes a temporary file in the object's directory, fsyncs it, and only
// when at least two sites hold their copy durably does each rename it into place and fsync
// the directory (on S3 a completed PUT, or the completion of a multipart upload, is the
// durable step). The write is acknowledged when two or three sites committed and the catalog
// row is committed. With one site failing the object is acknowledged on two, recorded as
// degraded, and a repair job is enqueued; with two failing Put returns ErrUnavailable, every
// temporary file is erased, and nothing is visible. Why two of three: the product promises
// that a whole site may be lost, and a write that waited for a dead site would make every
// upload fail with it; the third copy follows as soon as the site is back.
//
// # Read policy
//
// Get never serves a byte it has not verified. It reads chunk by chunk and compares the
// SHA-256 state after each chunk with the chaining value recorded for it (and after the last
// with the object's SHA-256) before handing the chunk out. A bad, short or missing copy is
// left at that chunk and the next site continues from the same offset, so copies damaged in
// different places still yield the object, and a repair job is enqueued. When no site has a
// good chunk, Read fails with ErrCorrupt (or ErrUnavailable if some site did not answer);
// what was served before is a verified prefix. Get reads the first chunk before it returns,
// so callers learn of a lost object before they send anything. The cost is one chunk of
// buffer and of latency per reader — no second pass and no temporary files. A chaining value
// is as strong a check as a SHA-256 of the chunk itself (another chunk reaching the same value
// would be a second preimage for SHA-256's compression function) and costs no extra hashing.
//
// # Repair, scrub and orphans
//
// Repair reads every copy end to end, and rewrites each missing or bad one from the verified
// stream of the others, through the same temporary-name protocol. Scrub does that for every
// committed object, retries pending erasures, and reports findings in a ScrubReport, a log
// line each and the securemailbox_blob_findings_total counter. Deleted objects are never
// visited and a repair of one does nothing, so nothing deleted comes back. CollectOrphans
// removes, once older than OrphanGrace, writes whose catalog row never committed, temporary
// files and incomplete multipart uploads, and copies no catalog row claims for their site.
//
// # Delete policy
//
// Delete makes the object unreadable at once by marking its row, records one pending erasure
// per site, and erases: on directories the file is overwritten with random bytes, fsynced,
// unlinked and its directory fsynced; on S3 the object is deleted (buckets must have
// versioning off or expire noncurrent versions; Check reports the setting). A site that is
// down keeps its pending erasure, gets a DeleteArgs job and is retried by every Scrub; the row
// goes with the last erasure. Overwriting does not reach blocks that copy-on-write or flash
// storage keeps elsewhere; the stored bytes are ciphertext, and the erasure that makes them
// unreadable is the destruction of their keys.
//
// # Residency moves
//
// MoveTenant copies each of the tenant's objects to the new region's sites (with Put's
// quorum), reads every new copy back, switches the catalog row in one transaction and then
// erases the old copies like Delete. It is idempotent per object, so an interrupted move is
// resumed by running it again.
package blob
