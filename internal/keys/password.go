package keys

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// KDFParams are Argon2id's cost parameters. They are stored in every
// record, so changing the defaults never breaks existing records;
// Hasher.NeedsRehash tells when to upgrade one at the next login.
type KDFParams struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
}

// DefaultKDFParams is Argon2id with 64 MiB, t=3, p=2. That is above OWASP's
// minimum (19 MiB, t=2, p=1) and close to RFC 9106's second recommended
// option (64 MiB, t=3), with p=2 to use the two cores of a small server.
// Measured on such a machine: about 70 ms per hash. A password here is not
// only a login check but the source of the key that seals the account's
// private key, so a database copy must make guessing expensive.
func DefaultKDFParams() KDFParams {
	return KDFParams{MemoryKiB: 64 * 1024, Iterations: 3, Parallelism: 2}
}

// TestKDFParams are tiny parameters (1 MiB, t=1, p=1) for tests only, so a
// test suite can run hundreds of hashes quickly. Never use them in a
// server: they offer almost no resistance to guessing.
func TestKDFParams() KDFParams {
	return KDFParams{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}
}

// Bounds for parameters read from a record. A record is data, and a forged
// one must not make the server allocate gigabytes or spin for minutes.
const (
	maxKDFMemoryKiB  = 1 << 20 // 1 GiB
	maxKDFIterations = 64
	saltSize         = 16
	minSaltSize      = 16
	maxSaltSize      = 64
	recordTag        = "smpw1"
)

// Validate reports whether p is usable: Argon2id needs at least 8 KiB per
// lane, and the upper bounds keep one hash within 1 GiB and 64 passes.
func (p KDFParams) Validate() error {
	if p.Parallelism == 0 || p.Iterations == 0 || p.Iterations > maxKDFIterations ||
		p.MemoryKiB < 8*uint32(p.Parallelism) || p.MemoryKiB > maxKDFMemoryKiB {
		return fmt.Errorf("keys: invalid Argon2id parameters m=%d t=%d p=%d", p.MemoryKiB, p.Iterations, p.Parallelism)
	}
	return nil
}

// Hasher turns passwords and other user-typed secrets (recovery codes, SSO
// unlock passphrases) into a KEK and a stored record, bounding how many
// Argon2id runs happen at once.
//
// Memory: each run allocates MemoryKiB, so the hasher never holds more than
// maxConcurrent * MemoryKiB (2 * 64 MiB = 128 MiB by default) of Argon2id
// memory, plus the same for any older records with larger parameters.
// Requests beyond that wait in line instead of exhausting memory.
type Hasher struct {
	params KDFParams
	sem    chan struct{}
	// kdf is argon2.IDKey; tests replace it to observe concurrency.
	kdf func(secret, salt []byte, p KDFParams) []byte
}

// NewHasher returns a Hasher that enrolls with p and runs at most
// maxConcurrent Argon2id computations at a time (2 if maxConcurrent <= 0).
// It panics if p is invalid; check configured values with p.Validate.
func NewHasher(p KDFParams, maxConcurrent int) *Hasher {
	if err := p.Validate(); err != nil {
		panic(err.Error())
	}
	if maxConcurrent <= 0 {
		maxConcurrent = 2
	}
	return &Hasher{params: p, sem: make(chan struct{}, maxConcurrent), kdf: argon2id}
}

func argon2id(secret, salt []byte, p KDFParams) []byte {
	return argon2.IDKey(secret, salt, p.Iterations, p.MemoryKiB, p.Parallelism, keyLen)
}

// derive runs Argon2id under the semaphore. Waiting honours ctx; a run that
// has started finishes (Argon2id cannot be interrupted).
func (h *Hasher) derive(ctx context.Context, secret, salt []byte, p KDFParams) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.sem }()
	return h.kdf(secret, salt, p), nil
}

// split derives the KEK and the verifier from the Argon2id output with
// separate HKDF labels, so the stored SHA-256(verifier) says nothing about
// the KEK. owner (e.g. the account id) binds both to one account.
func split(master []byte, owner string) (kek SymmetricKey, verifierHash [sha256.Size]byte) {
	kek = newSymmetricKey(hkdf32(master, nil, "sm/v1/kek|"+owner))
	v := hkdf32(master, nil, "sm/v1/auth|"+owner)
	return kek, sha256.Sum256(v[:])
}

// normalize applies NFKC, so the same password typed on different keyboards
// or systems (ligatures, composed or decomposed accents) gives the same key.
// Nothing is truncated.
func normalize(secret string) []byte {
	return []byte(norm.NFKC.String(secret))
}

// Enroll derives a new record and KEK for secret:
//
//	master   = Argon2id(NFKC(secret), fresh 16-byte salt, params)
//	kek      = HKDF(master, "sm/v1/kek|"  + owner)
//	verifier = HKDF(master, "sm/v1/auth|" + owner)
//	record   = "smpw1$m=<KiB>,t=<n>,p=<n>$<salt>$<SHA-256(verifier)>" (base64url)
//
// The record never contains master or the verifier: master is the KEK's
// source, and a standard PHC string would store it. owner is what the
// secret unlocks, e.g. an account id or "recovery|<rowid>".
func (h *Hasher) Enroll(ctx context.Context, secret, owner string) (string, SymmetricKey, error) {
	return h.enroll(ctx, secret, owner, Random(saltSize))
}

func (h *Hasher) enroll(ctx context.Context, secret, owner string, salt []byte) (string, SymmetricKey, error) {
	master, err := h.derive(ctx, normalize(secret), salt, h.params)
	if err != nil {
		return "", SymmetricKey{}, err
	}
	kek, vh := split(master, owner)
	return formatRecord(h.params, salt, vh[:]), kek, nil
}

// Verify recomputes the record with its own parameters and salt and returns
// the KEK if secret matches: ErrWrongKey if not, ErrFormat if the record is
// malformed or its parameters are out of bounds. The comparison is
// constant time.
func (h *Hasher) Verify(ctx context.Context, secret, owner, record string) (SymmetricKey, error) {
	p, salt, want, err := parseRecord(record)
	if err != nil {
		return SymmetricKey{}, err
	}
	master, err := h.derive(ctx, normalize(secret), salt, p)
	if err != nil {
		return SymmetricKey{}, err
	}
	kek, vh := split(master, owner)
	if !Equal(vh[:], want) {
		return SymmetricKey{}, ErrWrongKey
	}
	return kek, nil
}

// Dummy runs one Argon2id with the hasher's parameters on random input and
// discards it, so a login for an unknown account costs the same time as a
// real one.
func (h *Hasher) Dummy(ctx context.Context) {
	master, err := h.derive(ctx, Random(keyLen), Random(saltSize), h.params)
	if err == nil {
		_, _ = split(master, "")
	}
}

// NeedsRehash reports whether record was made with other parameters than
// the hasher's (or cannot be read), so the caller can Enroll again after a
// successful Verify.
func (h *Hasher) NeedsRehash(record string) bool {
	p, _, _, err := parseRecord(record)
	return err != nil || p != h.params
}

func formatRecord(p KDFParams, salt, verifierHash []byte) string {
	enc := base64.RawURLEncoding
	return fmt.Sprintf("%s$m=%d,t=%d,p=%d$%s$%s", recordTag, p.MemoryKiB, p.Iterations, p.Parallelism,
		enc.EncodeToString(salt), enc.EncodeToString(verifierHash))
}

func parseRecord(record string) (KDFParams, []byte, []byte, error) {
	var p KDFParams
	parts := strings.Split(record, "$")
	if len(parts) != 4 || parts[0] != recordTag {
		return p, nil, nil, ErrFormat
	}
	params := strings.Split(parts[1], ",")
	if len(params) != 3 {
		return p, nil, nil, ErrFormat
	}
	m, err1 := parseParam(params[0], "m=", 32)
	t, err2 := parseParam(params[1], "t=", 32)
	par, err3 := parseParam(params[2], "p=", 8)
	if err := errors.Join(err1, err2, err3); err != nil {
		return p, nil, nil, ErrFormat
	}
	p = KDFParams{MemoryKiB: uint32(m), Iterations: uint32(t), Parallelism: uint8(par)}
	if p.Validate() != nil {
		return KDFParams{}, nil, nil, ErrFormat
	}
	enc := base64.RawURLEncoding.Strict()
	salt, err := enc.DecodeString(parts[2])
	if err != nil || len(salt) < minSaltSize || len(salt) > maxSaltSize {
		return KDFParams{}, nil, nil, ErrFormat
	}
	vh, err := enc.DecodeString(parts[3])
	if err != nil || len(vh) != sha256.Size {
		return KDFParams{}, nil, nil, ErrFormat
	}
	return p, salt, vh, nil
}

// parseParam reads "<prefix><decimal>" with no sign, no leading zeros and no
// spaces, so each record has exactly one spelling.
func parseParam(s, prefix string, bits int) (uint64, error) {
	v, ok := strings.CutPrefix(s, prefix)
	if !ok || v == "" || (len(v) > 1 && v[0] == '0') {
		return 0, ErrFormat
	}
	return strconv.ParseUint(v, 10, bits)
}
