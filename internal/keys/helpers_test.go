package keys

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

// raw32 returns a fixed, recognisable 32-byte key for tests and vectors.
func raw32(seed byte) [keyLen]byte {
	var k [keyLen]byte
	for i := range k {
		k[i] = seed + byte(i)
	}
	return k
}

func testBinding() Binding {
	return Binding{Purpose: "account-private-key", Tenant: "tenant-a", ObjectKind: "account", ObjectID: "acc-1"}
}

// bindingVariants returns b with each field changed in turn, plus a shift
// of characters between adjacent fields (which length prefixes must catch).
func bindingVariants(b Binding) map[string]Binding {
	out := map[string]Binding{}
	c := b
	c.Purpose += "x"
	out["purpose"] = c
	c = b
	c.Tenant = "tenant-b"
	out["tenant"] = c
	c = b
	c.ObjectKind = "message"
	out["object kind"] = c
	c = b
	c.ObjectID = "acc-2"
	out["object id"] = c
	c = b
	c.Purpose, c.Tenant = b.Purpose+b.Tenant[:1], b.Tenant[1:]
	out["shifted"] = c
	out["zero"] = Binding{}
	return out
}

// isKeysError reports whether err is one of the two errors parsers may give.
func isKeysError(err error) bool {
	return errors.Is(err, ErrWrongKey) || errors.Is(err, ErrFormat)
}

// forEachTamper calls f with every single-byte flip and every truncation of
// b. Each must be rejected.
func forEachTamper(t *testing.T, b []byte, f func(mod []byte) error) {
	t.Helper()
	for i := range b {
		mod := bytes.Clone(b)
		mod[i] ^= 0x01
		if err := f(mod); !isKeysError(err) {
			t.Fatalf("flip of byte %d of %d: err = %v, want ErrWrongKey or ErrFormat", i, len(b), err)
		}
	}
	for n := 0; n < len(b); n++ {
		if err := f(bytes.Clone(b[:n])); !isKeysError(err) {
			t.Fatalf("truncation to %d of %d: err = %v", n, len(b), err)
		}
	}
	if err := f(append(bytes.Clone(b), 0)); !isKeysError(err) {
		t.Fatalf("appended byte: err = %v", err)
	}
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }
