package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
)

// FileKey is an attachment's key. It is wrapped to the uploader at upload
// (WrapFileKey), later moved into the message's encrypted metadata
// (SealFileKey), and used with NewEncryptWriter / NewDecryptReader. The
// zero value is not a key.
type FileKey struct {
	k     [keyLen]byte
	valid bool
}

// NewFileKey returns a fresh random file key.
func NewFileKey() FileKey {
	return FileKey{k: [keyLen]byte(Random(keyLen)), valid: true}
}

// String, GoString, Format and LogValue keep the key out of logs.
func (k FileKey) String() string             { return redacted }
func (k FileKey) GoString() string           { return redacted }
func (k FileKey) Format(f fmt.State, _ rune) { redactedFormat(f) }
func (k FileKey) LogValue() slog.Value       { return redactedValue() }

// WrapFileKey encrypts key to pub, bound to info.
func WrapFileKey(pub *PublicKey, key FileKey, info WrapInfo) ([]byte, error) {
	if !key.valid {
		return nil, fmt.Errorf("keys: wrap of the zero FileKey: %w", ErrFormat)
	}
	return wrap(pub, encodePayload(payloadFileKey, key.k[:]), info)
}

// UnwrapFileKey opens WrapFileKey's output, with Unwrap's errors.
func UnwrapFileKey(priv *PrivateKey, wrapped []byte, info WrapInfo) (FileKey, error) {
	pt, err := unwrap(priv, wrapped, info)
	if err != nil {
		return FileKey{}, err
	}
	m, err := decodePayload(pt, payloadFileKey, keyLen)
	if err != nil {
		return FileKey{}, err
	}
	return FileKey{k: [keyLen]byte(m), valid: true}, nil
}

// SealFileKey seals fk under k (e.g. the message's metadata subkey or the
// uploader's key), bound to b. It panics on the zero FileKey.
func SealFileKey(k SymmetricKey, fk FileKey, b Binding) []byte {
	if !fk.valid {
		panic("keys: SealFileKey of the zero FileKey")
	}
	return k.seal(sealFileKey, encodePayload(payloadFileKey, fk.k[:]), b, Random(nonceSize))
}

// OpenFileKey opens SealFileKey's output with the same key and binding.
func OpenFileKey(k SymmetricKey, sealed []byte, b Binding) (FileKey, error) {
	p, err := k.open(sealFileKey, sealed, b)
	if err != nil {
		return FileKey{}, err
	}
	m, err := decodePayload(p, payloadFileKey, keyLen)
	if err != nil {
		return FileKey{}, err
	}
	return FileKey{k: [keyLen]byte(m), valid: true}, nil
}

// Stream format (DESIGN.md §4 "Attachments"):
//
//	header = version | suite | len(key id) | file key id | 32-byte salt
//	k      = HKDF-SHA256(file key, salt, "sm/v1/att|" + tenant + "|" + attachment id)
//	chunk i (64 KiB of plaintext, the last one 0..64 KiB) =
//	         AES-256-GCM(k, nonce = 11-byte big-endian i || last flag, AAD = SHA-256(header))
//
// The counter stops reordering, the last flag stops truncation at a chunk
// boundary and appended data, and the per-attachment subkey stops chunks
// moving between files. Only an empty stream has an empty last chunk.
const (
	streamChunkSize = 64 * 1024
	streamSaltSize  = 32
	streamEncChunk  = streamChunkSize + tagSize
	// version, suite, id length, the file key's derived id, salt
	streamHeaderSize = 3 + derivedKeyIDLen + streamSaltSize
)

type streamKey struct {
	aead   cipher.AEAD
	aad    [sha256.Size]byte
	header []byte
}

func newStreamKey(key FileKey, tenant, attachmentID string, salt []byte) (*streamKey, error) {
	if !key.valid {
		return nil, fmt.Errorf("keys: stream with the zero FileKey: %w", ErrFormat)
	}
	// The tenant id is followed by a separator in the HKDF info, so it must
	// not contain one: then every (tenant, attachment) pair encodes uniquely.
	if tenant == "" || strings.Contains(tenant, "|") || attachmentID == "" {
		return nil, fmt.Errorf("keys: stream needs a tenant without '|' and an attachment id: %w", ErrFormat)
	}
	k := hkdf32(key.k[:], salt, "sm/v1/att|"+tenant+"|"+attachmentID)
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, fmt.Errorf("keys: stream cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("keys: stream cipher: %w", err)
	}
	header := appendHeader(nil, suiteStream, derivedKeyID(key.k[:]))
	header = append(header, salt...)
	return &streamKey{aead: aead, aad: sha256.Sum256(header), header: header}, nil
}

func streamNonce(counter uint64, last bool) []byte {
	var n [nonceSize]byte
	binary.BigEndian.PutUint64(n[3:11], counter)
	if last {
		n[11] = 1
	}
	return n[:]
}

// EncryptedSize is the stream size of a plainSize-byte attachment, for
// quotas and Content-Length; -1 for a negative size or one whose stream
// size would not fit in an int64.
func EncryptedSize(plainSize int64) int64 {
	if plainSize < 0 {
		return -1
	}
	chunks := plainSize / streamChunkSize
	if plainSize%streamChunkSize != 0 || plainSize == 0 {
		chunks++
	}
	overhead := streamHeaderSize + chunks*tagSize
	if plainSize > math.MaxInt64-overhead {
		return -1
	}
	return plainSize + overhead
}

type encryptWriter struct {
	dst     io.Writer
	sk      *streamKey
	buf     []byte // plaintext of the current chunk; capacity fits its tag
	counter uint64
	err     error
	closed  bool
}

// NewEncryptWriter writes the header to dst and returns a writer that
// encrypts into it in 64 KiB chunks, using one chunk of memory whatever the
// size. Close writes the last chunk and must be called; it does not close
// dst. A stream without Close is truncated and will not decrypt.
func NewEncryptWriter(dst io.Writer, key FileKey, tenant, attachmentID string) (io.WriteCloser, error) {
	return newEncryptWriter(dst, key, tenant, attachmentID, Random(streamSaltSize))
}

// newEncryptWriter takes the salt so known-answer tests can fix it.
func newEncryptWriter(dst io.Writer, key FileKey, tenant, attachmentID string, salt []byte) (*encryptWriter, error) {
	sk, err := newStreamKey(key, tenant, attachmentID, salt)
	if err != nil {
		return nil, err
	}
	if _, err := dst.Write(sk.header); err != nil {
		return nil, fmt.Errorf("keys: write attachment header: %w", err)
	}
	return &encryptWriter{dst: dst, sk: sk, buf: make([]byte, 0, streamEncChunk)}, nil
}

func (w *encryptWriter) Write(p []byte) (int, error) {
	if w.closed {
		return 0, errors.New("keys: write to closed attachment stream")
	}
	if w.err != nil {
		return 0, w.err
	}
	n := 0
	for len(p) > 0 {
		// A full chunk is sealed only once more data arrives: until then it
		// may be the last one.
		if len(w.buf) == streamChunkSize {
			if err := w.flush(false); err != nil {
				return n, err
			}
		}
		c := copy(w.buf[len(w.buf):streamChunkSize], p)
		w.buf = w.buf[:len(w.buf)+c]
		p = p[c:]
		n += c
	}
	return n, nil
}

func (w *encryptWriter) flush(last bool) error {
	if w.counter == math.MaxUint64 {
		w.err = errors.New("keys: attachment stream too long")
		return w.err
	}
	out := w.sk.aead.Seal(w.buf[:0], streamNonce(w.counter, last), w.buf, w.sk.aad[:])
	if _, err := w.dst.Write(out); err != nil {
		w.err = fmt.Errorf("keys: write attachment chunk: %w", err)
		return w.err
	}
	w.counter++
	w.buf = w.buf[:0]
	return nil
}

// Close seals and writes the last chunk. Closing again is a no-op.
func (w *encryptWriter) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	return w.flush(true)
}

type decryptReader struct {
	src      io.Reader
	sk       *streamKey
	buf      []byte // one encrypted chunk plus one byte of look-ahead
	carry    byte   // look-ahead byte that belongs to the next chunk
	hasCarry bool
	out      []byte // authenticated plaintext not yet returned
	counter  uint64
	done     bool
	err      error
}

// NewDecryptReader reads and checks the header from src and returns a
// reader of the plaintext. Each chunk is authenticated before any of it is
// returned; a chunk that fails (tampered, reordered, from another file,
// truncated stream, trailing data) makes Read return ErrWrongKey and
// nothing of that chunk, and every later Read fails too, so a download
// aborts. A file key other than the stream's is ErrWrongKey here; a
// malformed header is ErrFormat.
func NewDecryptReader(src io.Reader, key FileKey, tenant, attachmentID string) (io.Reader, error) {
	var fixed [3]byte
	if err := readHeaderPart(src, fixed[:]); err != nil {
		return nil, err
	}
	if fixed[0] != formatVersion || fixed[1] != suiteStream || fixed[2] == 0 || int(fixed[2]) > maxKeyIDLen {
		return nil, ErrFormat
	}
	rest := make([]byte, int(fixed[2])+streamSaltSize)
	if err := readHeaderPart(src, rest); err != nil {
		return nil, err
	}
	id, salt := string(rest[:fixed[2]]), rest[fixed[2]:]
	if !key.valid || id != derivedKeyID(key.k[:]) {
		return nil, ErrWrongKey
	}
	sk, err := newStreamKey(key, tenant, attachmentID, salt)
	if err != nil {
		return nil, err
	}
	return &decryptReader{src: src, sk: sk, buf: make([]byte, streamEncChunk+1)}, nil
}

func readHeaderPart(src io.Reader, b []byte) error {
	_, err := io.ReadFull(src, b)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ErrFormat
	default:
		return fmt.Errorf("keys: read attachment header: %w", err)
	}
}

func (r *decryptReader) Read(p []byte) (int, error) {
	for len(r.out) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		r.err = r.next()
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

// next reads, authenticates and decrypts one chunk. It reads one byte past
// a full chunk: if that byte exists, the chunk is not the last.
func (r *decryptReader) next() error {
	start := 0
	if r.hasCarry {
		r.buf[0] = r.carry
		r.hasCarry = false
		start = 1
	}
	n, err := io.ReadFull(r.src, r.buf[start:])
	n += start
	last := false
	switch {
	case err == nil:
		r.carry, r.hasCarry = r.buf[streamEncChunk], true
		n = streamEncChunk
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		last = true
	default:
		return fmt.Errorf("keys: read attachment chunk: %w", err)
	}
	if n < tagSize || r.counter == math.MaxUint64 {
		return ErrWrongKey // truncated: every stream ends with an authenticated last chunk
	}
	pt, err := r.sk.aead.Open(r.buf[:0], streamNonce(r.counter, last), r.buf[:n], r.sk.aad[:])
	if err != nil {
		return ErrWrongKey
	}
	if last && len(pt) == 0 && r.counter > 0 {
		return ErrWrongKey // a writer never ends a non-empty stream with an empty chunk
	}
	r.counter++
	r.out = pt
	r.done = last
	return nil
}
