package keys

import (
	"bytes"
	"errors"
	"io"
	"math"
	"testing"
	"testing/iotest"
)

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func encryptAll(t testing.TB, key FileKey, tenant, att string, pt []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := NewEncryptWriter(&out, key, tenant, att)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pt); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func decryptAll(key FileKey, tenant, att string, ct []byte) ([]byte, error) {
	r, err := NewDecryptReader(bytes.NewReader(ct), key, tenant, att)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func TestStreamRoundTrip(t *testing.T) {
	key := NewFileKey()
	for _, n := range []int{0, 1, 100, streamChunkSize - 1, streamChunkSize, streamChunkSize + 1,
		2 * streamChunkSize, 3*streamChunkSize + 17, 5 << 20} {
		pt := pattern(n)
		ct := encryptAll(t, key, "tenant-a", "att-1", pt)
		if int64(len(ct)) != EncryptedSize(int64(n)) {
			t.Fatalf("%d bytes: stream is %d, EncryptedSize says %d", n, len(ct), EncryptedSize(int64(n)))
		}
		got, err := decryptAll(key, "tenant-a", "att-1", ct)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("%d bytes: %v", n, err)
		}
		// Odd-sized reads and a source that returns one byte at a time.
		r, err := NewDecryptReader(iotest.OneByteReader(bytes.NewReader(ct)), key, "tenant-a", "att-1")
		if err != nil {
			t.Fatal(err)
		}
		if n <= 3*streamChunkSize+17 {
			if err := iotest.TestReader(r, pt); err != nil {
				t.Fatalf("%d bytes: %v", n, err)
			}
		}
	}
	if EncryptedSize(-1) != -1 || EncryptedSize(math.MaxInt64) != -1 || EncryptedSize(math.MaxInt64/2) <= 0 {
		t.Fatal("EncryptedSize(-1)")
	}
}

// Many small writes give the same chunking as one large write.
func TestStreamSmallWrites(t *testing.T) {
	key := NewFileKey()
	pt := pattern(2*streamChunkSize + 5)
	var out bytes.Buffer
	w, err := newEncryptWriter(&out, key, "t", "a", make([]byte, streamSaltSize))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(pt); i += 1000 {
		if _, err := w.Write(pt[i:min(i+1000, len(pt))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil || w.Close() != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Fatal("write after Close")
	}
	var one bytes.Buffer
	w2, _ := newEncryptWriter(&one, key, "t", "a", make([]byte, streamSaltSize))
	_, _ = w2.Write(pt)
	_ = w2.Close()
	if !bytes.Equal(out.Bytes(), one.Bytes()) {
		t.Fatal("chunking depends on write sizes")
	}
}

// chunks splits a stream into its header and encrypted chunks.
func chunks(ct []byte) (header []byte, cs [][]byte) {
	header, rest := ct[:streamHeaderSize], ct[streamHeaderSize:]
	for len(rest) > 0 {
		n := min(streamEncChunk, len(rest))
		cs = append(cs, rest[:n])
		rest = rest[n:]
	}
	return header, cs
}

func join(header []byte, cs ...[]byte) []byte {
	return bytes.Join(append([][]byte{header}, cs...), nil)
}

func wantWrongKey(t *testing.T, name string, key FileKey, tenant, att string, ct []byte) {
	t.Helper()
	if _, err := decryptAll(key, tenant, att, ct); !errors.Is(err, ErrWrongKey) {
		t.Errorf("%s: err = %v, want ErrWrongKey", name, err)
	}
}

func TestStreamAttacks(t *testing.T) {
	key := NewFileKey()
	pt := pattern(3*streamChunkSize + 100)
	ct := encryptAll(t, key, "tenant-a", "att-1", pt)
	h, cs := chunks(ct)
	if len(cs) != 4 {
		t.Fatalf("%d chunks", len(cs))
	}
	other := encryptAll(t, key, "tenant-a", "att-2", pattern(3*streamChunkSize+100))
	oh, ocs := chunks(other)

	wantWrongKey(t, "truncated at chunk boundary", key, "tenant-a", "att-1", join(h, cs[:3]...))
	wantWrongKey(t, "truncated to first chunk", key, "tenant-a", "att-1", join(h, cs[0]))
	wantWrongKey(t, "header only", key, "tenant-a", "att-1", h)
	wantWrongKey(t, "truncated inside last chunk", key, "tenant-a", "att-1", ct[:len(ct)-1])
	wantWrongKey(t, "truncated inside a chunk", key, "tenant-a", "att-1", ct[:len(h)+streamEncChunk+10])
	wantWrongKey(t, "reordered", key, "tenant-a", "att-1", join(h, cs[1], cs[0], cs[2], cs[3]))
	wantWrongKey(t, "chunk duplicated", key, "tenant-a", "att-1", join(h, cs[0], cs[0], cs[2], cs[3]))
	wantWrongKey(t, "chunk from another attachment", key, "tenant-a", "att-1", join(h, cs[0], ocs[1], cs[2], cs[3]))
	wantWrongKey(t, "other header, own chunks", key, "tenant-a", "att-1", join(oh, cs...))
	wantWrongKey(t, "appended garbage", key, "tenant-a", "att-1", append(bytes.Clone(ct), 0))
	wantWrongKey(t, "appended chunk", key, "tenant-a", "att-1", join(h, cs[0], cs[1], cs[2], cs[3], cs[3]))
	wantWrongKey(t, "wrong attachment id", key, "tenant-a", "att-2", ct)
	wantWrongKey(t, "wrong tenant", key, "tenant-b", "att-1", ct)
	wantWrongKey(t, "wrong key", NewFileKey(), "tenant-a", "att-1", ct)

	// A stream ending in an authentic but empty last chunk after a full one
	// is not what the writer produces (it marks the full chunk last), so the
	// reader refuses it rather than accept two encodings of one plaintext.
	salt := make([]byte, streamSaltSize)
	sk, err := newStreamKey(key, "tenant-a", "att-1", salt)
	if err != nil {
		t.Fatal(err)
	}
	full := sk.aead.Seal(nil, streamNonce(0, false), pattern(streamChunkSize), sk.aad[:])
	emptyLast := sk.aead.Seal(nil, streamNonce(1, true), nil, sk.aad[:])
	wantWrongKey(t, "empty last chunk after a full one", key, "tenant-a", "att-1", join(sk.header, full, emptyLast))
	if got, err := decryptAll(key, "tenant-a", "att-1", join(sk.header, full, emptyLast)); len(got) != streamChunkSize || err == nil {
		t.Fatalf("good chunk before the refused one: %d bytes, %v", len(got), err)
	}

	// Nothing of a bad chunk is returned: the good chunks before it are.
	bad := bytes.Clone(ct)
	bad[len(h)+streamEncChunk+5] ^= 1
	r, _ := NewDecryptReader(bytes.NewReader(bad), key, "tenant-a", "att-1")
	got, err := io.ReadAll(r)
	if !errors.Is(err, ErrWrongKey) || !bytes.Equal(got, pt[:streamChunkSize]) {
		t.Fatalf("bad second chunk: got %d bytes, err %v", len(got), err)
	}
	if n, err := r.Read(make([]byte, 10)); n != 0 || !errors.Is(err, ErrWrongKey) {
		t.Fatal("reader continued after a bad chunk")
	}
}

func TestStreamTamperEveryByte(t *testing.T) {
	key := NewFileKey()
	ct := encryptAll(t, key, "t", "a", []byte("hello"))
	forEachTamper(t, ct, func(mod []byte) error {
		_, err := decryptAll(key, "t", "a", mod)
		return err
	})
}

func TestStreamHeaderFormat(t *testing.T) {
	key := NewFileKey()
	ct := encryptAll(t, key, "t", "a", []byte("hello"))
	for name, mod := range map[string][]byte{
		"empty":       nil,
		"version":     append([]byte{9}, ct[1:]...),
		"suite":       append([]byte{1, suiteSeal}, ct[2:]...),
		"id length 0": append([]byte{1, suiteStream, 0}, ct[3:]...),
		"short salt":  ct[:streamHeaderSize-1],
	} {
		if _, err := NewDecryptReader(bytes.NewReader(mod), key, "t", "a"); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := NewDecryptReader(bytes.NewReader(ct), NewFileKey(), "t", "a"); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("other key at header: %v", err)
	}
	for _, c := range [][2]string{{"", "a"}, {"t", ""}, {"t|x", "a"}} {
		if _, err := NewEncryptWriter(io.Discard, key, c[0], c[1]); err == nil {
			t.Errorf("NewEncryptWriter(%q, %q) accepted", c[0], c[1])
		}
	}
	if _, err := NewEncryptWriter(io.Discard, FileKey{}, "t", "a"); err == nil {
		t.Fatal("zero file key accepted")
	}
}

func TestStreamIOErrors(t *testing.T) {
	key := NewFileKey()
	boom := errors.New("boom")
	ct := encryptAll(t, key, "t", "a", pattern(streamChunkSize+10))
	r, err := NewDecryptReader(io.MultiReader(bytes.NewReader(ct[:streamHeaderSize+100]), iotest.ErrReader(boom)), key, "t", "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); !errors.Is(err, boom) {
		t.Fatalf("source error lost: %v", err)
	}
	if _, err := NewDecryptReader(iotest.ErrReader(boom), key, "t", "a"); !errors.Is(err, boom) {
		t.Fatalf("header read error lost: %v", err)
	}
	w, err := NewEncryptWriter(&failAfter{n: streamHeaderSize}, key, "t", "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pattern(2 * streamChunkSize)); err == nil {
		t.Fatal("write error lost")
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close after a write error succeeded")
	}
}

type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestFileKeySealWrap(t *testing.T) {
	fk := NewFileKey()
	k := newSymmetricKey(raw32(6))
	b := Binding{Purpose: "message-file-key", Tenant: "t", ObjectKind: "attachment", ObjectID: "att-1"}
	sealed := SealFileKey(k, fk, b)
	got, err := OpenFileKey(k, sealed, b)
	if err != nil || got != fk {
		t.Fatalf("OpenFileKey: %v", err)
	}
	for name, other := range bindingVariants(b) {
		if _, err := OpenFileKey(k, sealed, other); !errors.Is(err, ErrWrongKey) {
			t.Errorf("%s: %v", name, err)
		}
	}
	forEachTamper(t, sealed, func(mod []byte) error {
		_, err := OpenFileKey(k, mod, b)
		return err
	})
}
