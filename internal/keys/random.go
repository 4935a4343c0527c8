package keys

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Random returns n bytes from crypto/rand, the only randomness source in
// the project. crypto/rand.Read never fails (it crashes the process rather
// than return weak bytes), so there is no error to handle.
func Random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// Secret is 256 random bits that are handed to a person or client: a
// session cookie, an API bearer token, a link key in a URL fragment. The
// server stores only Hash() and never the secret itself; keys that protect
// data for the holder are derived with Derive.
//
// fmt and slog print a Secret as "[redacted]". String is the deliberate
// way to obtain its wire form, and its result is as secret as the Secret.
type Secret struct {
	b [keyLen]byte
}

// NewSecret returns a fresh random Secret.
func NewSecret() Secret {
	var s Secret
	_, _ = rand.Read(s.b[:])
	return s
}

// ParseSecret is the inverse of String. Anything but exactly 32 bytes of
// unpadded base64url fails with ErrFormat.
func ParseSecret(s string) (Secret, error) {
	var out Secret
	if base64.RawURLEncoding.DecodedLen(len(s)) != keyLen {
		return out, ErrFormat
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != keyLen {
		return out, ErrFormat
	}
	copy(out.b[:], b)
	return out, nil
}

// String returns the wire form (unpadded base64url, 43 characters). The
// result is secret: put it only where the person receives it (cookie,
// response body, mail composed during the request), never in a log, a job
// or the database.
func (s Secret) String() string { return base64.RawURLEncoding.EncodeToString(s.b[:]) }

// Format makes fmt print "[redacted]", so a Secret passed to a log line or
// error by mistake does not leak; call String explicitly for the wire form.
func (s Secret) Format(f fmt.State, _ rune) { redactedFormat(f) }

// GoString keeps %#v from printing the bytes.
func (s Secret) GoString() string { return redacted }

// LogValue keeps log/slog from printing the secret.
func (s Secret) LogValue() slog.Value { return redactedValue() }

// Hash is SHA-256 of the raw secret: what the database stores to look a
// token up. A 256-bit random secret needs no slow or keyed hash.
func (s Secret) Hash() []byte {
	h := sha256.Sum256(s.b[:])
	return h[:]
}

// Derive returns HKDF-SHA256(ikm = secret, info = label) as a SymmetricKey,
// e.g. Derive("sm/v1/session") for the key that re-seals an account's
// private key for one session. Different labels give independent keys.
func (s Secret) Derive(label string) SymmetricKey {
	return newSymmetricKey(hkdf32(s.b[:], nil, label))
}

// Equal compares a and b in constant time (for equal lengths), for tokens,
// MACs, codes and hashes.
func Equal(a, b []byte) bool {
	return subtle.ConstantTimeCompare(a, b) == 1
}

// SHA256 returns the SHA-256 digest of data, e.g. for ciphertext digests in
// receipts and blob checksums.
func SHA256(data []byte) []byte {
	h := sha256.Sum256(data)
	return h[:]
}

// NewNumericCode returns digits uniformly random decimal digits, e.g. a
// 6-digit SMS code. Each digit comes from a random byte below 250, so no
// digit is more likely than another (modulo bias rejected). It panics if
// digits is not between 1 and 64, which is a programming error.
func NewNumericCode(digits int) string {
	if digits < 1 || digits > 64 {
		panic("keys: NewNumericCode: digits must be 1..64")
	}
	out := make([]byte, 0, digits)
	var buf [64]byte
	for len(out) < digits {
		_, _ = rand.Read(buf[:])
		for _, b := range buf {
			if b >= 250 {
				continue
			}
			out = append(out, '0'+b%10)
			if len(out) == digits {
				break
			}
		}
	}
	return string(out)
}

// crockford is Crockford's base32 alphabet in lower case: no i, l, o or u,
// so a code read aloud or copied from paper is hard to get wrong.
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// recoveryGroups x recoveryGroupLen characters of 5 bits each: 100 bits,
// above the 80 bits SECURITY.md asks for, since one guess costs only one
// Argon2id run.
const (
	recoveryGroups   = 4
	recoveryGroupLen = 5
)

// NewRecoverySecret returns the random part of a recovery code: 100 random
// bits as lower-case Crockford base32, grouped "xxxxx-xxxxx-xxxxx-xxxxx" for
// reading. The caller prefixes "rowid-" and hashes
// NormalizeRecoverySecret(secret) with a Hasher.
func NewRecoverySecret() string {
	// 256 is a multiple of 32, so b&31 is uniform.
	raw := Random(recoveryGroups * recoveryGroupLen)
	var sb strings.Builder
	for i, b := range raw {
		if i > 0 && i%recoveryGroupLen == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(crockford[b&31])
	}
	return sb.String()
}

// NormalizeRecoverySecret maps what a person may type for a recovery
// secret to its canonical form: compatibility-normalized (full-width
// characters), lower case, without spaces or dashes, with the Crockford
// look-alikes o→0 and i, l→1. Use it both before enrolling and before
// verifying. It does not validate; a wrong code simply fails to verify.
func NormalizeRecoverySecret(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '-', unicode.Is(unicode.Pd, r), r == '\u2212':
			continue
		case r == 'o':
			sb.WriteByte('0')
		case r == 'i', r == 'l':
			sb.WriteByte('1')
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// NewCodeID returns a random row id for a recovery code: 12 Crockford base32 characters
// (60 bits) from crypto/rand. It is not secret — it tells which row to check, so a try
// costs one Argon2id run — but it is random, so ids of one set do not resemble each other.
func NewCodeID() string {
	raw := Random(12)
	b := make([]byte, len(raw))
	for i, r := range raw {
		b[i] = crockford[r&31]
	}
	return string(b)
}
