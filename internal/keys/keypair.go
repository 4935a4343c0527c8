package keys

import (
	"bytes"
	"crypto/hpke"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
)

// The one HPKE suite (RFC 9180): hybrid post-quantum KEM X-Wing, so a
// recording of today's wraps stays safe against a future quantum computer
// as long as either ML-KEM-768 or X25519 holds.
func hpkeKEM() hpke.KEM   { return hpke.MLKEM768X25519() }
func hpkeKDF() hpke.KDF   { return hpke.HKDFSHA256() }
func hpkeAEAD() hpke.AEAD { return hpke.AES256GCM() }

const (
	hpkePublicKeySize = 1216 // ML-KEM-768 encapsulation key + X25519 point
	hpkeSeedSize      = 32   // X-Wing private keys serialize as a 32-byte seed
	hpkeEncSize       = 1120 // encapsulated key
)

// PrivateKey is an HPKE private key (account, shared-mailbox version,
// pending recipient or escrow key). It is stored only sealed
// (SealPrivateKey) or wrapped to another key (WrapPrivateKey).
type PrivateKey struct {
	k   hpke.PrivateKey
	pub *PublicKey
}

// PublicKey is an HPKE public key. Stored public keys must carry a
// MasterKeyring.AuthenticatePublicKey tag, checked before wrapping to them.
type PublicKey struct {
	k   hpke.PublicKey
	raw []byte // the KEM's serialization, without our version/suite prefix
	id  string
}

// GenerateKeyPair returns a fresh key pair.
func GenerateKeyPair() (*PrivateKey, error) {
	k, err := hpkeKEM().GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("keys: generate key pair: %w", err)
	}
	return newPrivateKey(k), nil
}

func newPrivateKey(k hpke.PrivateKey) *PrivateKey {
	return &PrivateKey{k: k, pub: newPublicKey(k.PublicKey())}
}

func newPublicKey(k hpke.PublicKey) *PublicKey {
	raw := k.Bytes()
	sum := sha256.Sum256(append([]byte{suiteHPKE}, raw...))
	return &PublicKey{k: k, raw: raw, id: base64.RawURLEncoding.EncodeToString(sum[:16])}
}

// privateKeyFromSeed is the inverse of seed; it fails with ErrFormat.
func privateKeyFromSeed(seed []byte) (*PrivateKey, error) {
	if len(seed) != hpkeSeedSize {
		return nil, ErrFormat
	}
	k, err := hpkeKEM().NewPrivateKey(seed)
	if err != nil {
		return nil, ErrFormat
	}
	return newPrivateKey(k), nil
}

func (k *PrivateKey) seed() []byte {
	b, err := k.k.Bytes()
	if err != nil || len(b) != hpkeSeedSize {
		panic("keys: serialize private key: unexpected KEM encoding")
	}
	return b
}

// Public returns the matching public key.
func (k *PrivateKey) Public() *PublicKey { return k.pub }

// ID is the public key's id.
func (k *PrivateKey) ID() string { return k.pub.id }

// String, GoString, Format and LogValue keep the private key out of logs.
func (k *PrivateKey) String() string             { return redacted }
func (k *PrivateKey) GoString() string           { return redacted }
func (k *PrivateKey) Format(f fmt.State, _ rune) { redactedFormat(f) }
func (k *PrivateKey) LogValue() slog.Value       { return redactedValue() }

// Bytes returns the storage form: version | suite | KEM public key.
func (k *PublicKey) Bytes() []byte {
	out := make([]byte, 0, 2+len(k.raw))
	out = append(out, formatVersion, suiteHPKE)
	return append(out, k.raw...)
}

// ParsePublicKey reads Bytes' output; anything else is ErrFormat.
func ParsePublicKey(b []byte) (*PublicKey, error) {
	if len(b) != 2+hpkePublicKeySize || b[0] != formatVersion || b[1] != suiteHPKE {
		return nil, ErrFormat
	}
	k, err := hpkeKEM().NewPublicKey(b[2:])
	if err != nil {
		return nil, ErrFormat
	}
	return newPublicKey(k), nil
}

// ID is a stable, non-secret id: unpadded base64url of the first 16 bytes
// of SHA-256(suite || public key). Wraps name it, so a wrap for another key
// is rejected before any decryption.
func (k *PublicKey) ID() string { return k.id }

// Equal reports whether both are the same key (constant time).
func (k *PublicKey) Equal(o *PublicKey) bool {
	if k == nil || o == nil {
		return k == o
	}
	return subtle.ConstantTimeCompare(k.raw, o.raw) == 1
}

// SealPrivateKey seals priv under k (a KEK, a session key, a recovery-code
// key), bound to b. Like every Seal, the AAD names k's key id; it also
// names the payload kind, so the result opens only with OpenPrivateKey.
func SealPrivateKey(k SymmetricKey, priv *PrivateKey, b Binding) []byte {
	return k.seal(sealPrivateKey, encodePayload(payloadPrivateKey, priv.seed()), b, Random(nonceSize))
}

// OpenPrivateKey opens SealPrivateKey's output with the same key and binding.
func OpenPrivateKey(k SymmetricKey, sealed []byte, b Binding) (*PrivateKey, error) {
	p, err := k.open(sealPrivateKey, sealed, b)
	if err != nil {
		return nil, err
	}
	seed, err := decodePayload(p, payloadPrivateKey, hpkeSeedSize)
	if err != nil {
		return nil, err
	}
	return privateKeyFromSeed(seed)
}

// FoundIn reports whether the private key's secret bytes appear in data — raw, hex, or
// base64 (standard or URL alphabet, padded or not). It is the canary detector for tests
// that scan databases, blob sites and logs; it reveals nothing of the key itself.
func (k *PrivateKey) FoundIn(data []byte) bool {
	seed := k.seed()
	for _, form := range [][]byte{
		seed,
		[]byte(hex.EncodeToString(seed)),
		[]byte(strings.ToUpper(hex.EncodeToString(seed))),
		[]byte(base64.StdEncoding.EncodeToString(seed)),
		[]byte(base64.RawStdEncoding.EncodeToString(seed)),
		[]byte(base64.URLEncoding.EncodeToString(seed)),
		[]byte(base64.RawURLEncoding.EncodeToString(seed)),
	} {
		if bytes.Contains(data, form) {
			return true
		}
	}
	return false
}
