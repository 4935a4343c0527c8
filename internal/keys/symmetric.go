package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
)

// SymmetricKey is an AES-256-GCM key together with its key id. It seals
// small values at rest: private keys under a KEK or session key, message
// parts under content subkeys, file keys inside metadata.
//
// The zero value is not a key: Seal panics on it and Open fails with
// ErrWrongKey. There is deliberately no way to read the key bytes.
type SymmetricKey struct {
	k  [keyLen]byte
	id string
}

// Binding says what a ciphertext belongs to. It goes into the AEAD
// additional data, so a ciphertext copied to another purpose, tenant or
// object fails to open. Use only stable identifiers here: never region,
// site, path, folder or owner, which change when data legitimately moves.
type Binding struct {
	Purpose    string // what the value is, e.g. "account-private-key"
	Tenant     string // tenant id
	ObjectKind string // e.g. "account", "message", "attachment"
	ObjectID   string // the row's id
}

const (
	nonceSize = 12
	tagSize   = 16
)

// Labels for the AAD "kind" field: what the plaintext of a seal is. It
// separates generic data from serialized keys sealed under the same key.
const (
	sealData       = "data"
	sealPrivateKey = "hpke-private-key"
	sealFileKey    = "file-key"
	sealSigningKey = "signing-key"
)

// newSymmetricKey gives a derived key its id: the first 8 bytes of
// HMAC(key, "sm/v1/keyid"). The id reveals nothing about the key, and lets
// Open report a different key as ErrWrongKey before trying to decrypt.
func newSymmetricKey(k [keyLen]byte) SymmetricKey {
	return SymmetricKey{k: k, id: derivedKeyID(k[:])}
}

// derivedKeyIDLen is the length of derivedKeyID's result: 8 bytes in
// unpadded base64url.
const derivedKeyIDLen = 11

func derivedKeyID(k []byte) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte("sm/v1/keyid"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:8])
}

func (k SymmetricKey) aead() cipher.AEAD {
	block, err := aes.NewCipher(k.k[:])
	if err != nil {
		panic("keys: aes: " + err.Error()) // only for a key length other than 32
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		panic("keys: gcm: " + err.Error())
	}
	return g
}

func sealAAD(keyID, kind string, b Binding) []byte {
	return encodeList("sm/v1/seal", string([]byte{formatVersion, suiteSeal}), keyID, kind,
		b.Purpose, b.Tenant, b.ObjectKind, b.ObjectID)
}

// Seal encrypts plaintext bound to b. The result is
// version | suite | len(key id) | key id | 12-byte random nonce | ciphertext+tag,
// and the AAD covers version, suite, key id and every Binding field.
//
// Random 96-bit nonces are safe for far more than the 2^32 messages per key
// NIST allows; each SymmetricKey here protects at most a few values.
func (k SymmetricKey) Seal(plaintext []byte, b Binding) []byte {
	return k.seal(sealData, plaintext, b, Random(nonceSize))
}

// Open decrypts a value made by Seal with the same key and Binding. It
// returns ErrFormat for malformed input and ErrWrongKey for a different
// key, a different binding or any changed byte.
func (k SymmetricKey) Open(ciphertext []byte, b Binding) ([]byte, error) {
	return k.open(sealData, ciphertext, b)
}

// seal takes the nonce as an argument so known-answer tests can fix it;
// every exported path passes fresh random bytes.
func (k SymmetricKey) seal(kind string, plaintext []byte, b Binding, nonce []byte) []byte {
	if k.id == "" {
		panic("keys: Seal with the zero SymmetricKey")
	}
	out := appendHeader(make([]byte, 0, 3+len(k.id)+nonceSize+len(plaintext)+tagSize), suiteSeal, k.id)
	out = append(out, nonce...)
	return k.aead().Seal(out, nonce, plaintext, sealAAD(k.id, kind, b))
}

func (k SymmetricKey) open(kind string, ciphertext []byte, b Binding) ([]byte, error) {
	suite, id, rest, err := parseHeader(ciphertext)
	if err != nil {
		return nil, err
	}
	if suite != suiteSeal || len(rest) < nonceSize+tagSize {
		return nil, ErrFormat
	}
	if k.id == "" || id != k.id {
		return nil, ErrWrongKey
	}
	pt, err := k.aead().Open(nil, rest[:nonceSize], rest[nonceSize:], sealAAD(id, kind, b))
	if err != nil {
		return nil, ErrWrongKey
	}
	return pt, nil
}

// String, GoString, Format and LogValue keep key bytes out of logs.
func (k SymmetricKey) String() string             { return redacted }
func (k SymmetricKey) GoString() string           { return redacted }
func (k SymmetricKey) Format(f fmt.State, _ rune) { redactedFormat(f) }
func (k SymmetricKey) LogValue() slog.Value       { return redactedValue() }
