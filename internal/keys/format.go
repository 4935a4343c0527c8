package keys

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// ErrWrongKey means a value did not authenticate: the key is not the one it
// was made with, the bytes were changed, or the value is bound to another
// place (a different Binding or WrapInfo). Callers must not tell these cases
// apart for users: they look the same to an attacker on purpose.
var ErrWrongKey = errors.New("keys: wrong key, tampered data or data bound elsewhere")

// ErrFormat means a value is not something this package produces: it is
// truncated, malformed, or names an unknown format version or suite.
var ErrFormat = errors.New("keys: malformed data or unsupported format")

// formatVersion is the first byte of every ciphertext, wrap, tag, stream and
// serialized key. A future format gets a new version; old values keep
// opening under the old code path until re-sealed.
const formatVersion byte = 1

// Suite ids, the second byte. One id names every algorithm choice of that
// format, so a value can never be opened with a different algorithm.
const (
	suiteSeal    byte = 0x01 // AES-256-GCM, 96-bit random nonce
	suiteHPKE    byte = 0x02 // HPKE MLKEM768X25519, HKDF-SHA256, AES-256-GCM (RFC 9180)
	suiteStream  byte = 0x03 // AES-256-GCM chunked stream, HKDF-SHA256 per-file key
	suiteMAC     byte = 0x04 // HMAC-SHA256
	suiteEd25519 byte = 0x05 // Ed25519 signing keys
)

// Payload types of serialized key material inside sealed values and wraps.
// A sealed file key therefore cannot be opened as a signing key seed, even
// though both are 32 bytes under the same key and binding.
const (
	payloadContentKey byte = 0x10
	payloadFileKey    byte = 0x11
	payloadPrivateKey byte = 0x12 // HPKE MLKEM768X25519 seed
	payloadSigningKey byte = 0x13 // Ed25519 seed
)

const (
	keyLen      = 32 // every symmetric key, seed and secret in this package
	maxKeyIDLen = 64 // bounds the key id field in every header
	redacted    = "[redacted]"
)

// encodeList length-prefixes each field (4-byte big-endian length) so that
// no two different lists produce the same bytes. It feeds AAD, HPKE info and
// MAC inputs.
func encodeList(fields ...string) []byte {
	n := 0
	for _, f := range fields {
		n += 4 + len(f)
	}
	out := make([]byte, 0, n)
	for _, f := range fields {
		out = binary.BigEndian.AppendUint32(out, uint32(len(f)))
		out = append(out, f...)
	}
	return out
}

// appendHeader writes version | suite | len(keyID) | keyID.
func appendHeader(dst []byte, suite byte, keyID string) []byte {
	if len(keyID) == 0 || len(keyID) > maxKeyIDLen {
		panic("keys: invalid key id length")
	}
	dst = append(dst, formatVersion, suite, byte(len(keyID)))
	return append(dst, keyID...)
}

// parseHeader splits version | suite | len(keyID) | keyID from the rest and
// checks the version. The caller checks the suite.
func parseHeader(b []byte) (suite byte, keyID string, rest []byte, err error) {
	if len(b) < 3 || b[0] != formatVersion {
		return 0, "", nil, ErrFormat
	}
	n := int(b[2])
	if n == 0 || n > maxKeyIDLen || len(b) < 3+n {
		return 0, "", nil, ErrFormat
	}
	return b[1], string(b[3 : 3+n]), b[3+n:], nil
}

// hkdf32 derives a 32-byte key. hkdf.Key only fails for output lengths far
// beyond 32 bytes, so an error here is a bug, not a runtime condition.
func hkdf32(secret, salt []byte, info string) [keyLen]byte {
	k, err := hkdf.Key(sha256.New, secret, salt, info, keyLen)
	if err != nil {
		panic("keys: hkdf: " + err.Error())
	}
	return [keyLen]byte(k)
}

// encodePayload serializes key material as version | type | bytes.
func encodePayload(typ byte, material []byte) []byte {
	out := make([]byte, 0, 2+len(material))
	out = append(out, formatVersion, typ)
	return append(out, material...)
}

// decodePayload checks version and type and returns the material, which
// must be exactly size bytes.
func decodePayload(p []byte, typ byte, size int) ([]byte, error) {
	if len(p) != 2+size || p[0] != formatVersion {
		return nil, ErrFormat
	}
	if p[1] != typ {
		// Authentic, but a different kind of key: it belongs elsewhere.
		return nil, ErrWrongKey
	}
	return p[2:], nil
}

// redactedFormat is shared by the Format methods of all key types, so that
// %v, %s, %x, %q and friends never print key bytes.
func redactedFormat(f fmt.State) {
	_, _ = io.WriteString(f, redacted)
}

func redactedValue() slog.Value { return slog.StringValue(redacted) }
