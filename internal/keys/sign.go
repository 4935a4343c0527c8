package keys

import (
	"crypto/ed25519"
	"fmt"
	"log/slog"
)

// SigningKey is an Ed25519 key that signs receipts and audit checkpoints,
// so anyone holding the public key can verify them offline. It is stored
// only sealed (SealSigningKey). The zero value is not a key.
type SigningKey struct {
	k ed25519.PrivateKey
}

// GenerateSigningKey returns a fresh Ed25519 key.
func GenerateSigningKey() (SigningKey, error) {
	_, k, err := ed25519.GenerateKey(nil)
	if err != nil {
		return SigningKey{}, fmt.Errorf("keys: generate signing key: %w", err)
	}
	return SigningKey{k: k}, nil
}

// Sign returns the 64-byte Ed25519 signature of msg. Signatures and public
// keys are plain Ed25519, not wrapped in our format, so standard tools can
// verify receipts. It panics on the zero SigningKey.
func (k SigningKey) Sign(msg []byte) []byte {
	if len(k.k) != ed25519.PrivateKeySize {
		panic("keys: Sign with the zero SigningKey")
	}
	return ed25519.Sign(k.k, msg)
}

// PublicKeyBytes returns the 32-byte Ed25519 public key (nil for the zero
// SigningKey).
func (k SigningKey) PublicKeyBytes() []byte {
	if len(k.k) != ed25519.PrivateKeySize {
		return nil
	}
	return append([]byte(nil), k.k.Public().(ed25519.PublicKey)...)
}

// VerifySignature reports whether sig is a valid Ed25519 signature of msg
// by pub. Wrong lengths are false, never a panic.
func VerifySignature(pub, msg, sig []byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(ed25519.PublicKey(pub), msg, sig)
}

// SealSigningKey seals sk under k, bound to b. It panics on the zero
// SigningKey.
func SealSigningKey(k SymmetricKey, sk SigningKey, b Binding) []byte {
	if len(sk.k) != ed25519.PrivateKeySize {
		panic("keys: SealSigningKey of the zero SigningKey")
	}
	return k.seal(sealSigningKey, encodePayload(payloadSigningKey, sk.k.Seed()), b, Random(nonceSize))
}

// OpenSigningKey opens SealSigningKey's output with the same key and binding.
func OpenSigningKey(k SymmetricKey, sealed []byte, b Binding) (SigningKey, error) {
	p, err := k.open(sealSigningKey, sealed, b)
	if err != nil {
		return SigningKey{}, err
	}
	seed, err := decodePayload(p, payloadSigningKey, ed25519.SeedSize)
	if err != nil {
		return SigningKey{}, err
	}
	return signingKeyFromSeed(seed), nil
}

func signingKeyFromSeed(seed []byte) SigningKey {
	return SigningKey{k: ed25519.NewKeyFromSeed(seed)}
}

// String, GoString, Format and LogValue keep the key out of logs.
func (k SigningKey) String() string             { return redacted }
func (k SigningKey) GoString() string           { return redacted }
func (k SigningKey) Format(f fmt.State, _ rune) { redactedFormat(f) }
func (k SigningKey) LogValue() slog.Value       { return redactedValue() }
