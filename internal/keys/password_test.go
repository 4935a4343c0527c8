package keys

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

func testHasher() *Hasher { return NewHasher(TestKDFParams(), 4) }

func TestHasherEnrollVerify(t *testing.T) {
	h := testHasher()
	ctx := context.Background()
	rec, kek, err := h.Enroll(ctx, "correct horse battery staple", "acc-1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rec, "smpw1$m=1024,t=1,p=1$") {
		t.Fatalf("record %q", rec)
	}
	got, err := h.Verify(ctx, "correct horse battery staple", "acc-1", rec)
	if err != nil || got != kek {
		t.Fatalf("Verify: %v", err)
	}
	for name, c := range map[string][2]string{
		"wrong password": {"correct horse battery stapl", "acc-1"},
		"other owner":    {"correct horse battery staple", "acc-2"},
		"empty":          {"", "acc-1"},
	} {
		if _, err := h.Verify(ctx, c[0], c[1], rec); !errors.Is(err, ErrWrongKey) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	rec2, kek2, _ := h.Enroll(ctx, "correct horse battery staple", "acc-1")
	if rec2 == rec || kek2 == kek {
		t.Fatal("salt not fresh")
	}
	// The KEK is bound to the owner.
	ct := kek.Seal([]byte("private key"), testBinding())
	if _, err := kek2.Open(ct, testBinding()); !errors.Is(err, ErrWrongKey) {
		t.Fatal("KEKs of two enrollments are interchangeable")
	}
}

// TestRecordHidesMasterAndVerifier recomputes Argon2id and the verifier
// independently and checks the record contains neither, in any encoding.
func TestRecordHidesMasterAndVerifier(t *testing.T) {
	h := testHasher()
	const pw = "a password worth protecting"
	rec, kek, err := h.Enroll(context.Background(), pw, "acc-1")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(rec, "$")
	salt, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(salt) < 16 {
		t.Fatalf("salt: %v (%d bytes)", err, len(salt))
	}
	p := TestKDFParams()
	master := argon2.IDKey([]byte(pw), salt, p.Iterations, p.MemoryKiB, p.Parallelism, 32)
	verifier := hkdf32(master, nil, "sm/v1/auth|acc-1")
	kekRaw := hkdf32(master, nil, "sm/v1/kek|acc-1")
	if kek.k != kekRaw {
		t.Fatal("KEK is not HKDF(master, sm/v1/kek|owner)")
	}
	vh := sha256.Sum256(verifier[:])
	if parts[3] != base64.RawURLEncoding.EncodeToString(vh[:]) {
		t.Fatal("record does not store SHA-256(verifier)")
	}
	for name, secret := range map[string][]byte{"master": master, "verifier": verifier[:], "kek": kekRaw[:]} {
		for _, form := range []string{
			string(secret), hex.EncodeToString(secret), strings.ToUpper(hex.EncodeToString(secret)),
			base64.StdEncoding.EncodeToString(secret), base64.RawStdEncoding.EncodeToString(secret),
			base64.RawURLEncoding.EncodeToString(secret),
			base64.RawURLEncoding.EncodeToString(secret[:12]), base64.RawStdEncoding.EncodeToString(secret[:12]),
			hex.EncodeToString(secret[:8]),
		} {
			if strings.Contains(rec, form) {
				t.Fatalf("record contains %s (%q)", name, form)
			}
		}
	}
}

func TestHasherNFKC(t *testing.T) {
	h := testHasher()
	ctx := context.Background()
	for name, pair := range map[string][2]string{
		"ligature":   {"\ufb01nance-passphrase", "finance-passphrase"},
		"composed é": {"caf\u00e9-passphrase", "cafe\u0301-passphrase"},
		"full-width": {"ｐａｓｓ-passphrase", "pass-passphrase"},
	} {
		rec, kek, err := h.Enroll(ctx, pair[0], "acc-1")
		if err != nil {
			t.Fatal(err)
		}
		got, err := h.Verify(ctx, pair[1], "acc-1", rec)
		if err != nil || got != kek {
			t.Errorf("%s: %q does not verify against %q: %v", name, pair[1], pair[0], err)
		}
	}
}

func TestHasherNoTruncation(t *testing.T) {
	h := testHasher()
	ctx := context.Background()
	long := strings.Repeat("ä", 1023)
	rec, _, err := h.Enroll(ctx, long+"x", "acc-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Verify(ctx, long+"y", "acc-1", rec); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("1024-rune password differing in the last rune: %v", err)
	}
	if _, err := h.Verify(ctx, long+"x", "acc-1", rec); err != nil {
		t.Fatal(err)
	}
}

func TestHasherBadRecords(t *testing.T) {
	h := testHasher()
	rec, _, _ := h.Enroll(context.Background(), "pw", "o")
	parts := strings.Split(rec, "$")
	salt, vh := parts[2], parts[3]
	for name, r := range map[string]string{
		"empty":        "",
		"phc":          "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2g",
		"tag":          "smpw2$m=1024,t=1,p=1$" + salt + "$" + vh,
		"fields":       "smpw1$m=1024,t=1,p=1$" + salt,
		"extra":        rec + "$x",
		"param order":  "smpw1$t=1,m=1024,p=1$" + salt + "$" + vh,
		"leading zero": "smpw1$m=01024,t=1,p=1$" + salt + "$" + vh,
		"plus":         "smpw1$m=+1024,t=1,p=1$" + salt + "$" + vh,
		"zero t":       "smpw1$m=1024,t=0,p=1$" + salt + "$" + vh,
		"zero p":       "smpw1$m=1024,t=1,p=0$" + salt + "$" + vh,
		"huge m":       "smpw1$m=4294967295,t=1,p=1$" + salt + "$" + vh,
		"overflow m":   "smpw1$m=4294967296,t=1,p=1$" + salt + "$" + vh,
		"huge t":       "smpw1$m=1024,t=1000,p=1$" + salt + "$" + vh,
		"huge p":       "smpw1$m=1024,t=1,p=256$" + salt + "$" + vh,
		"tiny m":       "smpw1$m=7,t=1,p=1$" + salt + "$" + vh,
		"short salt":   "smpw1$m=1024,t=1,p=1$" + salt[:20] + "$" + vh,
		"padded salt":  "smpw1$m=1024,t=1,p=1$" + salt + "==$" + vh,
		"short hash":   "smpw1$m=1024,t=1,p=1$" + salt + "$" + vh[:40],
		"std alphabet": "smpw1$m=1024,t=1,p=1$" + salt + "$" + strings.Repeat("/", 43),
	} {
		if _, err := h.Verify(context.Background(), "pw", "o", r); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", name, err)
		}
		if !h.NeedsRehash(r) {
			t.Errorf("%s: malformed record does not need rehash", name)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	old := NewHasher(KDFParams{MemoryKiB: 512, Iterations: 1, Parallelism: 1}, 1)
	cur := testHasher()
	ctx := context.Background()
	rec, kek, _ := old.Enroll(ctx, "pw", "o")
	if old.NeedsRehash(rec) || !cur.NeedsRehash(rec) {
		t.Fatal("NeedsRehash wrong")
	}
	// Old records still verify with the record's own parameters.
	got, err := cur.Verify(ctx, "pw", "o", rec)
	if err != nil || got != kek {
		t.Fatalf("old record: %v", err)
	}
}

func TestKDFParamsValidate(t *testing.T) {
	d := DefaultKDFParams()
	if d != (KDFParams{MemoryKiB: 65536, Iterations: 3, Parallelism: 2}) || d.Validate() != nil || TestKDFParams().Validate() != nil {
		t.Fatal("default or test params wrong")
	}
	for _, p := range []KDFParams{{}, {MemoryKiB: 1024, Iterations: 1}, {MemoryKiB: 8, Iterations: 1, Parallelism: 2}, {MemoryKiB: 1 << 21, Iterations: 1, Parallelism: 1}} {
		if p.Validate() == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("NewHasher with invalid params did not panic")
		}
	}()
	NewHasher(KDFParams{}, 1)
}

// TestHasherSemaphore checks that no more than maxConcurrent derivations
// run at once and that waiting honours context cancellation.
func TestHasherSemaphore(t *testing.T) {
	const limit = 3
	h := NewHasher(TestKDFParams(), limit)
	var running, peak atomic.Int32
	release := make(chan struct{})
	h.kdf = func(secret, salt []byte, p KDFParams) []byte {
		n := running.Add(1)
		for {
			m := peak.Load()
			if n <= m || peak.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		running.Add(-1)
		return argon2id(secret, salt, p)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			if i%2 == 0 {
				h.Dummy(ctx)
				return
			}
			if _, _, err := h.Enroll(ctx, "pw", "o"); err != nil {
				t.Error(err)
			}
		})
	}
	for running.Load() < limit {
		time.Sleep(time.Millisecond)
	}

	// All slots are taken: a waiter gives up when its context ends.
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := h.Verify(cctx, "pw", "o", "smpw1$m=1024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$"+strings.Repeat("A", 43))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("waiting Verify returned %v, want context.Canceled", err)
	}
	if _, _, err := h.Enroll(cctx, "pw", "o"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Enroll with a cancelled context: %v", err)
	}

	close(release)
	wg.Wait()
	if p := peak.Load(); p != limit {
		t.Fatalf("peak concurrency %d, want %d", p, limit)
	}
}

func TestNewHasherDefaultConcurrency(t *testing.T) {
	if c := cap(NewHasher(TestKDFParams(), 0).sem); c != 2 {
		t.Fatalf("default concurrency %d", c)
	}
}
