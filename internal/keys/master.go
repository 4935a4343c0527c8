package keys

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// MasterPurpose selects the HKDF subkey of the master key. Each purpose has
// its own encryption and MAC subkeys, so a value sealed for one purpose can
// never be opened or verified as another.
type MasterPurpose string

const (
	PurposeTOTP        MasterPurpose = "totp"        // TOTP secrets
	PurposePublicKey   MasterPurpose = "pubkey-mac"  // MACs over stored public keys
	PurposeCodes       MasterPurpose = "codes"       // keyed hashes of SMS codes and e-mail tokens
	PurposeCredentials MasterPurpose = "credentials" // provider credentials (SMTP, SMS gateway, S3)
	PurposeJobs        MasterPurpose = "jobs"        // job metadata
)

// Master key limits. Shorter keys are refused outright; 64 bytes is plenty
// for HKDF input and keeps a garbled file from being accepted as a key.
const (
	minMasterKeyLen = 32
	maxMasterKeyLen = 64
	maxMasterIDLen  = 32
	masterLineTag   = "smk1"
)

type masterKey struct {
	id  string
	raw []byte
}

// MasterKeyring holds the server's versioned master keys. The current key
// seals and MACs; older keys still open and verify what they made until
// Retire removes them. Every sealed value and tag names its key id, so
// rotation is: Rotate, Reseal everything (NeedsRotation finds it), Marshal,
// then Retire the old id.
//
// The master key protects operational secrets (TOTP secrets, provider
// credentials, job metadata) and authenticates stored public keys. It never
// protects message content, which stays readable only with users' keys.
//
// A MasterKeyring is safe for concurrent use.
type MasterKeyring struct {
	mu      sync.RWMutex
	keys    []masterKey // in file order; ids unique
	current string
}

// GenerateMasterKeyring returns a keyring with one fresh key.
func GenerateMasterKeyring() (*MasterKeyring, error) {
	m := &MasterKeyring{}
	if err := m.Rotate(); err != nil {
		return nil, err
	}
	return m, nil
}

// ParseMasterKeyring reads the text format that Marshal writes:
//
//	# comment
//	smk1 <id> <base64 key> current
//	smk1 <id> <base64 key> previous
//
// Ids are 1-32 characters of [A-Za-z0-9._-]. Keys are 32-64 bytes in
// standard or URL base64, padded or not (so `openssl rand -base64 32`
// output works). Exactly one key is current; "retired" is accepted as a
// synonym of "previous", and with a single key the marker may be left out.
// Anything else fails with ErrFormat.
func ParseMasterKeyring(data []byte) (*MasterKeyring, error) {
	m := &MasterKeyring{}
	seen := map[string]bool{}
	unmarked, n := 0, 0
	// Errors name the line but never echo it: it may hold a key.
	bad := func() error { return fmt.Errorf("keys: master keyring line %d: %w", n, ErrFormat) }
	for line := range bytes.Lines(data) {
		n++
		s := strings.TrimSpace(string(line))
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Fields(s)
		if len(f) < 3 || len(f) > 4 || f[0] != masterLineTag || !validMasterID(f[1]) || seen[f[1]] {
			return nil, bad()
		}
		raw, ok := decodeMasterKey(f[2])
		if !ok {
			return nil, bad()
		}
		seen[f[1]] = true
		switch {
		case len(f) == 3:
			unmarked++
		case f[3] == "current":
			if m.current != "" {
				return nil, bad()
			}
			m.current = f[1]
		case f[3] == "previous" || f[3] == "retired":
		default:
			return nil, bad()
		}
		m.keys = append(m.keys, masterKey{id: f[1], raw: raw})
	}
	switch {
	case len(m.keys) == 0:
		return nil, fmt.Errorf("keys: master keyring has no keys: %w", ErrFormat)
	case m.current == "" && len(m.keys) == 1 && unmarked == 1:
		m.current = m.keys[0].id
	case m.current == "":
		return nil, fmt.Errorf("keys: master keyring has no current key: %w", ErrFormat)
	}
	return m, nil
}

func validMasterID(id string) bool {
	if id == "" || len(id) > maxMasterIDLen {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

func decodeMasterKey(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.Strict().DecodeString(s); err == nil {
			return b, len(b) >= minMasterKeyLen && len(b) <= maxMasterKeyLen
		}
	}
	return nil, false
}

// Marshal returns the keyring in the format ParseMasterKeyring reads. The
// output is the master key itself: write it only to the configured key
// file, with owner-only permissions, outside the data directory.
func (m *MasterKeyring) Marshal() []byte {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var b bytes.Buffer
	b.WriteString("# SecureMailbox server master keyring. Secret: owner-only permissions, never inside the data directory.\n")
	for _, k := range m.keys {
		state := "previous"
		if k.id == m.current {
			state = "current"
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", masterLineTag, k.id, base64.StdEncoding.EncodeToString(k.raw), state)
	}
	return b.Bytes()
}

// CurrentID returns the id of the key that seals and MACs new values.
func (m *MasterKeyring) CurrentID() string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.current
}

// Rotate adds a fresh random key and makes it current. Older keys stay in
// the ring and keep opening what they sealed.
func (m *MasterKeyring) Rotate() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for {
		id := "mk-" + hex.EncodeToString(Random(6))
		if m.find(id) != nil {
			continue // astronomically unlikely, but ids must stay unique
		}
		m.keys = append(m.keys, masterKey{id: id, raw: Random(keyLen)})
		m.current = id
		return nil
	}
}

// Retire removes a non-current key. Whatever it sealed or MACed no longer
// opens or verifies, so Reseal everything first.
func (m *MasterKeyring) Retire(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id == m.current {
		return fmt.Errorf("keys: master key %q is current and cannot be retired", id)
	}
	for i, k := range m.keys {
		if k.id == id {
			m.keys = append(m.keys[:i], m.keys[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("keys: no master key %q", id)
}

// find must be called with m.mu held.
func (m *MasterKeyring) find(id string) *masterKey {
	for i := range m.keys {
		if m.keys[i].id == id {
			return &m.keys[i]
		}
	}
	return nil
}

// currentKey must be called with m.mu held. Only a zero MasterKeyring
// (not built by GenerateMasterKeyring or ParseMasterKeyring) has none.
func (m *MasterKeyring) currentKey() *masterKey {
	k := m.find(m.current)
	if k == nil {
		panic("keys: MasterKeyring has no current key")
	}
	return k
}

func checkPurpose(p MasterPurpose) {
	if p == "" {
		panic("keys: empty MasterPurpose")
	}
}

// sealKey is the per-purpose encryption subkey. Its key id is the master
// key's id, so a ciphertext says which master key to use.
func (k *masterKey) sealKey(p MasterPurpose) SymmetricKey {
	return SymmetricKey{k: hkdf32(k.raw, nil, "sm/v1/master-seal|"+string(p)), id: k.id}
}

func (k *masterKey) macKey(p MasterPurpose) [keyLen]byte {
	return hkdf32(k.raw, nil, "sm/v1/master-mac|"+string(p))
}

// Seal encrypts plaintext under the current key's subkey for p, bound to b.
// It panics on an empty purpose (a programming error).
func (m *MasterKeyring) Seal(p MasterPurpose, plaintext []byte, b Binding) []byte {
	checkPurpose(p)
	m.mu.RLock()
	k := m.currentKey().sealKey(p)
	m.mu.RUnlock()
	return k.Seal(plaintext, b)
}

// Open decrypts a value sealed by any key still in the ring. A retired or
// unknown key id, another purpose or another binding is ErrWrongKey.
func (m *MasterKeyring) Open(p MasterPurpose, ciphertext []byte, b Binding) ([]byte, error) {
	checkPurpose(p)
	suite, id, _, err := parseHeader(ciphertext)
	if err != nil {
		return nil, err
	}
	if suite != suiteSeal {
		return nil, ErrFormat
	}
	m.mu.RLock()
	mk := m.find(id)
	var k SymmetricKey
	if mk != nil {
		k = mk.sealKey(p)
	}
	m.mu.RUnlock()
	if mk == nil {
		return nil, ErrWrongKey
	}
	return k.Open(ciphertext, b)
}

// Reseal opens ciphertext and, if it names an older key, seals it again
// under the current key (changed = true). A value already under the current
// key is returned as it is. Either way it must open: a tampered value is an
// error, never silently re-sealed.
func (m *MasterKeyring) Reseal(p MasterPurpose, ciphertext []byte, b Binding) ([]byte, bool, error) {
	pt, err := m.Open(p, ciphertext, b)
	if err != nil {
		return nil, false, err
	}
	if !m.NeedsRotation(ciphertext) {
		return ciphertext, false, nil
	}
	return m.Seal(p, pt, b), true, nil
}

const macSize = sha256.Size

func macInput(keyID string, data []byte) []byte {
	return append(encodeList("sm/v1/mac", string([]byte{formatVersion, suiteMAC}), keyID), data...)
}

// MAC returns version | suite | len(key id) | key id | HMAC-SHA256 over data
// with the current key's MAC subkey for p. The key id inside the MAC input
// keeps a tag from being relabelled with another key id.
func (m *MasterKeyring) MAC(p MasterPurpose, data []byte) []byte {
	checkPurpose(p)
	m.mu.RLock()
	mk := m.currentKey()
	id, key := mk.id, mk.macKey(p)
	m.mu.RUnlock()
	h := hmac.New(sha256.New, key[:])
	h.Write(macInput(id, data))
	return h.Sum(appendHeader(make([]byte, 0, 3+len(id)+macSize), suiteMAC, id))
}

// VerifyMAC reports whether tag is MAC(p, data) under any key still in the
// ring. The comparison is constant time; malformed tags are false.
func (m *MasterKeyring) VerifyMAC(p MasterPurpose, data, tag []byte) bool {
	checkPurpose(p)
	suite, id, sum, err := parseHeader(tag)
	if err != nil || suite != suiteMAC || len(sum) != macSize {
		return false
	}
	m.mu.RLock()
	mk := m.find(id)
	var key [keyLen]byte
	if mk != nil {
		key = mk.macKey(p)
	}
	m.mu.RUnlock()
	if mk == nil {
		return false
	}
	h := hmac.New(sha256.New, key[:])
	h.Write(macInput(id, data))
	return hmac.Equal(h.Sum(nil), sum)
}

// NeedsRotation reports whether a sealed value or MAC tag names a key other
// than the current one. Malformed input is false: there is nothing a
// rotation could do with it.
func (m *MasterKeyring) NeedsRotation(tagOrCiphertext []byte) bool {
	suite, id, _, err := parseHeader(tagOrCiphertext)
	if err != nil || (suite != suiteSeal && suite != suiteMAC) {
		return false
	}
	return id != m.CurrentID()
}

// CodeHash is the keyed hash under which an SMS code or e-mail token is
// stored, bound to what it is for (purpose, e.g. "login") and to which
// object (e.g. an account or message id), so a login code cannot open a
// message. Because the key stays on the server, a database copy does not
// allow brute-forcing 6-digit codes.
//
// The result is deterministic under the current key, so it can be looked up
// directly; compare with VerifyCodeHash, which also accepts hashes made
// before a rotation.
func (m *MasterKeyring) CodeHash(purpose, object, code string) []byte {
	return m.MAC(PurposeCodes, encodeList("sm/v1/code", purpose, object, code))
}

// VerifyCodeHash reports, in constant time, whether hash is CodeHash(purpose,
// object, code) under any key still in the ring.
func (m *MasterKeyring) VerifyCodeHash(purpose, object, code string, hash []byte) bool {
	return m.VerifyMAC(PurposeCodes, encodeList("sm/v1/code", purpose, object, code), hash)
}

func publicKeyMACInput(pub *PublicKey, owner Binding) []byte {
	return encodeList("sm/v1/pubkey", owner.Purpose, owner.Tenant, owner.ObjectKind, owner.ObjectID, string(pub.Bytes()))
}

// AuthenticatePublicKey returns the tag stored next to a public key, binding
// it to its owner. Someone who can write to the database but lacks the
// master key cannot swap in a key of their own.
func (m *MasterKeyring) AuthenticatePublicKey(pub *PublicKey, owner Binding) []byte {
	if pub == nil {
		panic("keys: AuthenticatePublicKey of nil key")
	}
	return m.MAC(PurposePublicKey, publicKeyMACInput(pub, owner))
}

// VerifyPublicKey checks a tag from AuthenticatePublicKey: ErrWrongKey if
// it does not match the key and owner (or names a retired master key),
// ErrFormat if the tag or key is malformed.
func (m *MasterKeyring) VerifyPublicKey(pub *PublicKey, owner Binding, tag []byte) error {
	if pub == nil {
		return ErrFormat
	}
	if suite, _, sum, err := parseHeader(tag); err != nil || suite != suiteMAC || len(sum) != macSize {
		return ErrFormat
	}
	if !m.VerifyMAC(PurposePublicKey, publicKeyMACInput(pub, owner), tag) {
		return ErrWrongKey
	}
	return nil
}

// String, GoString, Format and LogValue keep master keys out of logs.
func (m *MasterKeyring) String() string             { return redacted }
func (m *MasterKeyring) GoString() string           { return redacted }
func (m *MasterKeyring) Format(f fmt.State, _ rune) { redactedFormat(f) }
func (m *MasterKeyring) LogValue() slog.Value       { return redactedValue() }
