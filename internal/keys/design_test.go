package keys

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hpke"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// These tests decode the stored vectors with the standard library alone,
// following the documented layouts, so the formats match their description
// and not merely this package's own code.

func loadVectors(t *testing.T) map[string][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", vectorsFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for k, v := range m {
		if b, err := hex.DecodeString(v); err == nil {
			out[k] = b
		}
	}
	return out
}

func lp(fields ...string) []byte {
	var out []byte
	for _, f := range fields {
		out = binary.BigEndian.AppendUint32(out, uint32(len(f)))
		out = append(out, f...)
	}
	return out
}

func gcmOpen(t *testing.T, key, nonce, ct, aad []byte) []byte {
	t.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := cipher.NewGCM(block)
	pt, err := g.Open(nil, nonce, ct, aad)
	if err != nil {
		t.Fatalf("independent decryption failed: %v", err)
	}
	return pt
}

func TestSealLayoutIndependent(t *testing.T) {
	ct := loadVectors(t)["seal/ciphertext"]
	if ct[0] != 1 || ct[1] != 1 {
		t.Fatalf("version/suite %x", ct[:2])
	}
	idLen := int(ct[2])
	id := string(ct[3 : 3+idLen])
	nonce := ct[3+idLen : 3+idLen+12]
	key := raw32(1)
	b := testBinding()
	aad := lp("sm/v1/seal", "\x01\x01", id, "data", b.Purpose, b.Tenant, b.ObjectKind, b.ObjectID)
	if pt := gcmOpen(t, key[:], nonce, ct[3+idLen+12:], aad); string(pt) != "hello, vectors" {
		t.Fatalf("plaintext %q", pt)
	}
}

func TestStreamLayoutIndependent(t *testing.T) {
	ct := loadVectors(t)["stream/5-bytes"]
	idLen := int(ct[2])
	header := ct[:3+idLen+32]
	salt := header[3+idLen:]
	fk := raw32(0xa0)
	k, err := hkdf.Key(sha256.New, fk[:], salt, "sm/v1/att|tenant-a|att-1", 32)
	if err != nil {
		t.Fatal(err)
	}
	aad := sha256.Sum256(header)
	nonce := make([]byte, 12)
	nonce[11] = 1 // chunk 0, last
	pt := gcmOpen(t, k, nonce, ct[len(header):], aad[:])
	if string(pt) != string(pattern(5)) || ct[0] != 1 || ct[1] != 3 {
		t.Fatalf("plaintext %x", pt)
	}
}

func TestWrapLayoutIndependent(t *testing.T) {
	w := loadVectors(t)["hpke/wrap-content-key"]
	idLen := int(w[2])
	id := string(w[3 : 3+idLen])
	seed := raw32(0x60)
	priv, err := hpke.MLKEM768X25519().NewPrivateKey(seed[:])
	if err != nil {
		t.Fatal(err)
	}
	i := testWrapInfo()
	info := lp("sm/v1/wrap", string(i.Purpose), i.Tenant, i.ObjectKind, i.ObjectID, i.RecipientKind, i.RecipientID, id)
	pt, err := hpke.Open(priv, hpke.HKDFSHA256(), hpke.AES256GCM(), info, w[3+idLen:])
	if err != nil {
		t.Fatal(err)
	}
	want := raw32(0x70)
	if w[0] != 1 || w[1] != 2 || len(pt) != 34 || pt[0] != 1 || pt[1] != payloadContentKey || string(pt[2:]) != string(want[:]) {
		t.Fatalf("payload %x", pt)
	}
}
