package keys

import (
	"bytes"
	"io"
	"testing"
)

func BenchmarkEncryptStream(b *testing.B) {
	key := NewFileKey()
	pt := pattern(4 << 20)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		w, err := NewEncryptWriter(io.Discard, key, "t", "a")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = w.Write(pt)
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptStream(b *testing.B) {
	key := NewFileKey()
	pt := pattern(4 << 20)
	ct := encryptAll(b, key, "t", "a", pt)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		r, err := NewDecryptReader(bytes.NewReader(ct), key, "t", "a")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrap(b *testing.B) {
	priv := mustKeyPair(b)
	ck := NewContentKey()
	info := testWrapInfo()
	for b.Loop() {
		if _, err := Wrap(priv.Public(), ck, info); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnwrap(b *testing.B) {
	priv := mustKeyPair(b)
	info := testWrapInfo()
	w, _ := Wrap(priv.Public(), NewContentKey(), info)
	for b.Loop() {
		if _, err := Unwrap(priv, w, info); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSeal(b *testing.B) {
	k := newSymmetricKey(raw32(1))
	pt := make([]byte, 1024)
	bind := testBinding()
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		k.Seal(pt, bind)
	}
}
