package keys

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"testing"
)

// The fuzz targets check that parsers never panic and fail only with this
// package's errors. `go test` runs their seed corpus; run one for longer
// with `go test -run=^$ -fuzz=FuzzOpen -fuzztime=10s ./internal/keys`.

func FuzzOpen(f *testing.F) {
	k := newSymmetricKey(raw32(1))
	m, err := ParseMasterKeyring([]byte("smk1 k1 " + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{5}, 32)) + " current"))
	if err != nil {
		f.Fatal(err)
	}
	b := testBinding()
	f.Add(k.Seal([]byte("hello"), b))
	f.Add(k.Seal(nil, b))
	f.Add(m.Seal(PurposeTOTP, []byte("totp"), b))
	f.Add(m.MAC(PurposeCodes, []byte("x")))
	f.Add(SealFileKey(k, FileKey{k: raw32(2), valid: true}, b))
	f.Add([]byte{1, 1, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, ct []byte) {
		if pt, err := k.Open(ct, b); err != nil && !isKeysError(err) {
			t.Fatalf("Open: unexpected error %v", err)
		} else if err == nil {
			// Only a genuine seal opens: re-sealing must round-trip.
			if got, err := k.Open(k.Seal(pt, b), b); err != nil || !bytes.Equal(got, pt) {
				t.Fatal("round trip")
			}
		}
		if _, err := m.Open(PurposeTOTP, ct, b); err != nil && !isKeysError(err) {
			t.Fatalf("master Open: %v", err)
		}
		_, _, _ = m.Reseal(PurposeTOTP, ct, b)
		m.VerifyMAC(PurposeCodes, []byte("x"), ct)
		m.NeedsRotation(ct)
		for _, open := range []func() error{
			func() error { _, err := OpenFileKey(k, ct, b); return err },
			func() error { _, err := OpenSigningKey(k, ct, b); return err },
			func() error { _, err := OpenPrivateKey(k, ct, b); return err },
		} {
			if err := open(); err != nil && !isKeysError(err) {
				t.Fatalf("unexpected error %v", err)
			}
		}
		if _, err := ParseSecret(string(ct)); err != nil && !errors.Is(err, ErrFormat) {
			t.Fatal(err)
		}
	})
}

func FuzzUnwrap(f *testing.F) {
	seed := raw32(0x60)
	priv, err := privateKeyFromSeed(seed[:])
	if err != nil {
		f.Fatal(err)
	}
	info := testWrapInfo()
	w, _ := Wrap(priv.Public(), ContentKey{k: raw32(1), valid: true}, info)
	wp, _ := WrapPrivateKey(priv.Public(), priv, info)
	f.Add(w)
	f.Add(wp)
	f.Add(priv.Public().Bytes())
	f.Add(w[:len(w)-1])
	f.Add([]byte{1, 2, 1, 'x'})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, op := range []func() error{
			func() error { _, err := Unwrap(priv, b, info); return err },
			func() error { _, err := UnwrapFileKey(priv, b, info); return err },
			func() error { _, err := UnwrapPrivateKey(priv, b, info); return err },
			func() error { _, err := ParsePublicKey(b); return err },
		} {
			if err := op(); err != nil && !isKeysError(err) {
				t.Fatalf("unexpected error %v", err)
			}
		}
	})
}

func FuzzParseMasterKeyring(f *testing.F) {
	m, _ := GenerateMasterKeyring()
	_ = m.Rotate()
	f.Add(m.Marshal())
	f.Add([]byte("smk1 a " + base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\n"))
	f.Add([]byte("# c\nsmk1 a b current\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseMasterKeyring(data)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		again, err := ParseMasterKeyring(k.Marshal())
		if err != nil || !bytes.Equal(again.Marshal(), k.Marshal()) || again.CurrentID() != k.CurrentID() {
			t.Fatalf("Marshal does not round-trip: %v", err)
		}
		ct := k.Seal(PurposeJobs, []byte("j"), Binding{})
		if _, err := again.Open(PurposeJobs, ct, Binding{}); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzDecryptReader(f *testing.F) {
	fk := FileKey{k: raw32(0xa0), valid: true}
	for _, n := range []int{0, 5, streamChunkSize + 3} {
		var out bytes.Buffer
		salt := raw32(0x90)
		w, _ := newEncryptWriter(&out, fk, "t", "a", salt[:])
		_, _ = w.Write(pattern(n))
		_ = w.Close()
		f.Add(out.Bytes())
	}
	f.Add([]byte{1, 3, 11})
	f.Fuzz(func(t *testing.T, ct []byte) {
		r, err := NewDecryptReader(bytes.NewReader(ct), fk, "t", "a")
		if err != nil {
			if !isKeysError(err) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if _, err := io.Copy(io.Discard, r); err != nil && !errors.Is(err, ErrWrongKey) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}

func FuzzVerifyRecord(f *testing.F) {
	h := testHasher()
	rec, _, _ := h.Enroll(context.Background(), "pw", "o")
	f.Add(rec)
	f.Add("smpw1$m=1024,t=1,p=1$$")
	f.Add("")
	f.Fuzz(func(t *testing.T, record string) {
		// Parse only: a fuzzed record with valid parameters would run
		// Argon2id with up to 1 GiB, which is what the bounds allow.
		p, salt, vh, err := parseRecord(record)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatal(err)
			}
			return
		}
		if formatRecord(p, salt, vh) != record {
			t.Fatalf("record %q has a second spelling", record)
		}
	})
}
