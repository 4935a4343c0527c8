package keys

import (
	"crypto/hpke"
	"fmt"
	"log/slog"
)

// WrapPurpose says what a wrap carries and why; it is the first field of
// the HPKE info after the format label.
type WrapPurpose string

const (
	WrapContent WrapPurpose = "content" // a message's content key to a recipient or the sender
	WrapFile    WrapPurpose = "file"    // an upload's file key to the uploader
	WrapMailbox WrapPurpose = "mailbox" // a shared-mailbox key version to a member
	WrapEscrow  WrapPurpose = "escrow"  // the org recovery key to an owner, or a member key to escrow
	WrapPending WrapPurpose = "pending" // a pending recipient key pair
	WrapLink    WrapPurpose = "link"    // something released by a link key
	WrapSession WrapPurpose = "session" // something handed to a session
	WrapKeyring WrapPurpose = "keyring" // an older key pair of an account, kept wrapped to its current one
)

// WrapInfo binds a wrap to where it belongs. All fields, plus the
// recipient's key id, go length-prefixed into the HPKE info, so a wrap
// copied to another message, tenant or recipient fails to open.
type WrapInfo struct {
	Purpose       WrapPurpose
	Tenant        string
	ObjectKind    string // e.g. "message", "attachment", "mailbox-key"
	ObjectID      string
	RecipientKind string // e.g. "account", "mailbox", "pending", "escrow"
	RecipientID   string
}

func (i WrapInfo) encode(recipientKeyID string) []byte {
	return encodeList("sm/v1/wrap", string(i.Purpose), i.Tenant, i.ObjectKind, i.ObjectID,
		i.RecipientKind, i.RecipientID, recipientKeyID)
}

// ContentKey is a message's key. Each part is encrypted under its own
// Subkey, and the key itself is stored only wrapped to each recipient.
// The zero value is not a key.
type ContentKey struct {
	k     [keyLen]byte
	valid bool
}

// NewContentKey returns a fresh random content key.
func NewContentKey() ContentKey {
	return ContentKey{k: [keyLen]byte(Random(keyLen)), valid: true}
}

// Subkey derives the key for one part of a message ("subject", "body",
// "metadata"), HKDF(content key, "sm/v1/content|" + label), so no two parts
// share an AES key. It panics on the zero ContentKey.
func (k ContentKey) Subkey(label string) SymmetricKey {
	if !k.valid {
		panic("keys: Subkey of the zero ContentKey")
	}
	return newSymmetricKey(hkdf32(k.k[:], nil, "sm/v1/content|"+label))
}

// String, GoString, Format and LogValue keep the key out of logs.
func (k ContentKey) String() string             { return redacted }
func (k ContentKey) GoString() string           { return redacted }
func (k ContentKey) Format(f fmt.State, _ rune) { redactedFormat(f) }
func (k ContentKey) LogValue() slog.Value       { return redactedValue() }

// wrap produces version | suite | len(key id) | recipient key id | enc || ct.
// The plaintext is a typed payload, so a wrapped file key can never be
// unwrapped as a content key or a private key.
func wrap(pub *PublicKey, payload []byte, info WrapInfo) ([]byte, error) {
	if pub == nil {
		return nil, fmt.Errorf("keys: wrap to nil public key: %w", ErrFormat)
	}
	ct, err := hpke.Seal(pub.k, hpkeKDF(), hpkeAEAD(), info.encode(pub.id), payload)
	if err != nil {
		return nil, fmt.Errorf("keys: wrap: %w", err)
	}
	out := appendHeader(make([]byte, 0, 3+len(pub.id)+len(ct)), suiteHPKE, pub.id)
	return append(out, ct...), nil
}

func unwrap(priv *PrivateKey, wrapped []byte, info WrapInfo) ([]byte, error) {
	suite, id, rest, err := parseHeader(wrapped)
	if err != nil {
		return nil, err
	}
	if suite != suiteHPKE || len(rest) < hpkeEncSize+tagSize {
		return nil, ErrFormat
	}
	if priv == nil || id != priv.ID() {
		return nil, ErrWrongKey
	}
	pt, err := hpke.Open(priv.k, hpkeKDF(), hpkeAEAD(), info.encode(id), rest)
	if err != nil {
		return nil, ErrWrongKey
	}
	return pt, nil
}

// Wrap encrypts key to pub, bound to info.
func Wrap(pub *PublicKey, key ContentKey, info WrapInfo) ([]byte, error) {
	if !key.valid {
		return nil, fmt.Errorf("keys: wrap of the zero ContentKey: %w", ErrFormat)
	}
	return wrap(pub, encodePayload(payloadContentKey, key.k[:]), info)
}

// Unwrap opens Wrap's output. It fails with ErrWrongKey if priv is not the
// recipient, info differs, or the wrap was changed; ErrFormat if malformed.
func Unwrap(priv *PrivateKey, wrapped []byte, info WrapInfo) (ContentKey, error) {
	pt, err := unwrap(priv, wrapped, info)
	if err != nil {
		return ContentKey{}, err
	}
	m, err := decodePayload(pt, payloadContentKey, keyLen)
	if err != nil {
		return ContentKey{}, err
	}
	return ContentKey{k: [keyLen]byte(m), valid: true}, nil
}

// WrapPrivateKey encrypts priv to pub: shared-mailbox key versions to
// members, pending key pairs to link keys' holders, escrow.
func WrapPrivateKey(pub *PublicKey, priv *PrivateKey, info WrapInfo) ([]byte, error) {
	if priv == nil {
		return nil, fmt.Errorf("keys: wrap of nil private key: %w", ErrFormat)
	}
	return wrap(pub, encodePayload(payloadPrivateKey, priv.seed()), info)
}

// UnwrapPrivateKey opens WrapPrivateKey's output, with Unwrap's errors.
func UnwrapPrivateKey(recipient *PrivateKey, wrapped []byte, info WrapInfo) (*PrivateKey, error) {
	pt, err := unwrap(recipient, wrapped, info)
	if err != nil {
		return nil, err
	}
	seed, err := decodePayload(pt, payloadPrivateKey, hpkeSeedSize)
	if err != nil {
		return nil, err
	}
	return privateKeyFromSeed(seed)
}
