package blob

import (
	"encoding"
	"encoding/base32"
	"errors"
	"fmt"
	"hash"
	"path"
	"regexp"
	"strings"

	"github.com/securemailbox/securemailbox/internal/keys"
)

// idBytes is the randomness of an object id: 160 bits from crypto/rand, so ids are neither
// guessable nor sequential and say nothing about the message they belong to.
const idBytes = 20

var (
	idEncoding    = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	idPattern     = regexp.MustCompile(`^[a-z2-7]{32}$`)
	tenantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
)

// newObjectID returns a fresh random object id (32 characters of lower-case base32).
func newObjectID() string {
	return idEncoding.EncodeToString(keys.Random(idBytes))
}

func validID(id string) bool { return idPattern.MatchString(id) }

func validTenant(t string) bool { return tenantPattern.MatchString(t) }

// objectKey is the one place where the tenant prefix of an object's name on a site is
// applied: "t/<tenant>/<first two of id>/<id>". Every site stores an object under exactly
// this key, so a tenant's data is one prefix on every site and a move keeps its key.
func objectKey(tenant, id string) string {
	return "t/" + tenant + "/" + id[:2] + "/" + id
}

// objectPrefix is the part of every key on a site that objectKey produces.
const objectPrefix = "t/"

// parseObjectKey is objectKey's inverse; ok is false for anything objectKey cannot produce.
func parseObjectKey(key string) (tenant, id string, ok bool) {
	parts := strings.Split(key, "/")
	if len(parts) != 4 || parts[0] != "t" || !validTenant(parts[1]) || !validID(parts[3]) || parts[2] != parts[3][:2] {
		return "", "", false
	}
	return parts[1], parts[3], true
}

// tempSuffix marks a file a dir site is still writing; it never becomes visible under an
// object key except through rename.
const tempSuffix = ".tmp"

// tempName returns a fresh temporary file name for id, in the object's own directory, so
// the final rename stays inside one directory.
func tempName(id string) string {
	return fmt.Sprintf(".%s.%x%s", id, keys.Random(8), tempSuffix)
}

// parseTempKey is tempName's inverse within objectKey's directory: it returns the object id
// of an unfinished write, and ok is false for any other file — an operator's notes or a
// backup tool's leftovers are never taken for ours.
func parseTempKey(key string) (id string, ok bool) {
	dir, name := path.Split(key)
	if !strings.HasPrefix(name, ".") || !strings.HasSuffix(name, tempSuffix) {
		return "", false
	}
	mid := strings.TrimSuffix(name[1:], tempSuffix)
	i := strings.LastIndexByte(mid, '.')
	if i <= 0 || !isHex16(mid[i+1:]) {
		return "", false
	}
	id = mid[:i]
	if !validID(id) {
		return "", false
	}
	if _, got, ok := parseObjectKey(dir + id); !ok || got != id {
		return "", false
	}
	return id, true
}

func isHex16(s string) bool {
	if len(s) != 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// sha256State is the layout of crypto/sha256's marshaled state: magic, the eight 32-bit
// words of the chaining value, the pending block, the length.
const (
	sha256Magic     = "sha\x03"
	sha256StateSize = len(sha256Magic) + 32 + 64 + 8
)

var errHashState = errors.New("blob: unsupported SHA-256 state format")

// chainingValue returns the SHA-256 chaining value of h (a crypto/sha256 digest) after a
// multiple of 64 bytes: the state the object's SHA-256 continues from. A different chunk
// reaching the same value from the same start would be a second preimage of SHA-256's
// compression, so comparing it checks the chunk as strongly as a SHA-256 of its own, while
// the object is hashed only once.
func chainingValue(h hash.Hash) ([]byte, error) {
	m, ok := h.(encoding.BinaryMarshaler)
	if !ok {
		return nil, errHashState
	}
	b, err := m.MarshalBinary()
	if err != nil || len(b) != sha256StateSize || string(b[:len(sha256Magic)]) != sha256Magic {
		return nil, errHashState
	}
	return b[len(sha256Magic) : len(sha256Magic)+32], nil
}
