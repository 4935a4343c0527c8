package keys

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	k := newSymmetricKey(raw32(1))
	b := testBinding()
	for _, pt := range [][]byte{nil, {}, []byte("x"), bytes.Repeat([]byte("secret "), 1000)} {
		ct := k.Seal(pt, b)
		if len(ct) != 3+derivedKeyIDLen+nonceSize+len(pt)+tagSize {
			t.Fatalf("ciphertext length %d for %d bytes", len(ct), len(pt))
		}
		if ct[0] != formatVersion || ct[1] != suiteSeal {
			t.Fatalf("header %x", ct[:2])
		}
		got, err := k.Open(ct, b)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("Open = %q, %v", got, err)
		}
		if len(pt) > 8 && bytes.Contains(ct, pt[:8]) {
			t.Fatal("plaintext visible in ciphertext")
		}
	}
	if bytes.Equal(k.Seal([]byte("x"), b), k.Seal([]byte("x"), b)) {
		t.Fatal("nonce reused")
	}
}

func TestOpenTamper(t *testing.T) {
	k := newSymmetricKey(raw32(1))
	b := testBinding()
	ct := k.Seal([]byte("hello"), b)
	forEachTamper(t, ct, func(mod []byte) error {
		_, err := k.Open(mod, b)
		return err
	})
}

func TestOpenWrongBinding(t *testing.T) {
	k := newSymmetricKey(raw32(1))
	b := testBinding()
	ct := k.Seal([]byte("hello"), b)
	for name, other := range bindingVariants(b) {
		if _, err := k.Open(ct, other); !errors.Is(err, ErrWrongKey) {
			t.Errorf("%s: err = %v, want ErrWrongKey", name, err)
		}
	}
}

func TestOpenWrongKey(t *testing.T) {
	k, other := newSymmetricKey(raw32(1)), newSymmetricKey(raw32(2))
	ct := k.Seal([]byte("hello"), testBinding())
	if _, err := other.Open(ct, testBinding()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("other key: %v", err)
	}
	// Same key id but different key bytes (a forged id) still fails.
	forged := SymmetricKey{k: raw32(2), id: k.id}
	if _, err := forged.Open(ct, testBinding()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("forged id: %v", err)
	}
	if _, err := (SymmetricKey{}).Open(ct, testBinding()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("zero key: %v", err)
	}
}

func TestOpenRejectsFormat(t *testing.T) {
	k := newSymmetricKey(raw32(1))
	ct := k.Seal([]byte("hello"), testBinding())
	for name, mod := range map[string][]byte{
		"empty":         nil,
		"version 0":     append([]byte{0}, ct[1:]...),
		"version 2":     append([]byte{2}, ct[1:]...),
		"unknown suite": append([]byte{1, 0x7f}, ct[2:]...),
		"stream suite":  append([]byte{1, suiteStream}, ct[2:]...),
		"id length 0":   append([]byte{1, suiteSeal, 0}, ct[3:]...),
		"id too long":   append([]byte{1, suiteSeal, 200}, ct[3:]...),
		"no tag":        ct[:3+derivedKeyIDLen+nonceSize+tagSize-1],
	} {
		if _, err := k.Open(mod, testBinding()); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", name, err)
		}
	}
}

func TestSealZeroKeyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Seal with zero key did not panic")
		}
	}()
	SymmetricKey{}.Seal([]byte("x"), testBinding())
}

// Sealed key material of one kind must not open as another kind, even under
// the same key and binding, nor as plain data.
func TestSealKindsSeparated(t *testing.T) {
	k := newSymmetricKey(raw32(1))
	b := testBinding()
	fk := FileKey{k: raw32(9), valid: true}
	sealedFile := SealFileKey(k, fk, b)
	if _, err := OpenSigningKey(k, sealedFile, b); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("file key opened as signing key: %v", err)
	}
	if _, err := OpenPrivateKey(k, sealedFile, b); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("file key opened as private key: %v", err)
	}
	if _, err := k.Open(sealedFile, b); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("file key opened as data: %v", err)
	}
	// Data that happens to look like a serialized file key is still data.
	data := k.Seal(encodePayload(payloadFileKey, fk.k[:]), b)
	if _, err := OpenFileKey(k, data, b); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("data opened as file key: %v", err)
	}
	got, err := OpenFileKey(k, sealedFile, b)
	if err != nil || got != fk {
		t.Fatalf("OpenFileKey: %v", err)
	}
}

func TestContentSubkeys(t *testing.T) {
	ck := NewContentKey()
	s, body, meta := ck.Subkey("subject"), ck.Subkey("body"), ck.Subkey("metadata")
	if s.k == body.k || body.k == meta.k || s.k == meta.k {
		t.Fatal("subkeys collide")
	}
	if ck.Subkey("body") != body {
		t.Fatal("Subkey not deterministic")
	}
	if NewContentKey().Subkey("body") == body {
		t.Fatal("different content keys gave the same subkey")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Subkey of zero ContentKey did not panic")
		}
	}()
	ContentKey{}.Subkey("body")
}

func TestEncodeListUnambiguous(t *testing.T) {
	if bytes.Equal(encodeList("ab", "c"), encodeList("a", "bc")) ||
		bytes.Equal(encodeList("a", ""), encodeList("a")) ||
		bytes.Equal(encodeList("", "a"), encodeList("a", "")) {
		t.Fatal("encodeList is ambiguous")
	}
}
