package keys

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// Run `go test ./internal/keys -run TestVectors -update` to rewrite testdata/vectors.json
// after a deliberate format change (which also needs a new format version).
var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

const vectorsFile = "vectors.json"

func vectorNonce() []byte { return []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11} }

// computedVectors returns every deterministic output, hex encoded (records
// and ids as text). Each pins one format: a change shows up as a diff.
func computedVectors(t *testing.T) map[string]string {
	t.Helper()
	v := map[string]string{}
	b := testBinding()
	pt := []byte("hello, vectors")
	h := hex.EncodeToString

	k := newSymmetricKey(raw32(1))
	v["seal/key-id"] = k.id
	v["seal/ciphertext"] = h(k.seal(sealData, pt, b, vectorNonce()))

	s := Secret{b: raw32(0x20)}
	v["secret/string"] = s.String()
	v["secret/hash"] = h(s.Hash())
	v["secret/derive-session-seal"] = h(s.Derive("sm/v1/session").seal(sealData, pt, b, vectorNonce()))

	ck := ContentKey{k: raw32(0x30), valid: true}
	v["content/subkey-body-seal"] = h(ck.Subkey("body").seal(sealData, pt, b, vectorNonce()))

	hs := NewHasher(TestKDFParams(), 1)
	salt := raw32(0x40)
	rec, kek, err := hs.enroll(context.Background(), "correct horse battery staple", "acc-1", salt[:16])
	if err != nil {
		t.Fatal(err)
	}
	v["password/record"] = rec
	v["password/kek-seal"] = h(kek.seal(sealData, pt, b, vectorNonce()))

	mraw := raw32(0x50)
	mk, err := ParseMasterKeyring([]byte("smk1 k1 " + base64.StdEncoding.EncodeToString(mraw[:]) + " current\n"))
	if err != nil {
		t.Fatal(err)
	}
	v["master/mac-jobs"] = h(mk.MAC(PurposeJobs, pt))
	v["master/code-hash"] = h(mk.CodeHash("login", "acc-1", "123456"))
	v["master/seal-totp"] = h(mk.find("k1").sealKey(PurposeTOTP).seal(sealData, pt, b, vectorNonce()))

	priv := vectorPrivateKey(t)
	v["hpke/public-key-id"] = priv.ID()
	v["hpke/public-key-sha256"] = h(SHA256(priv.Public().Bytes()))
	v["hpke/sealed-private-key"] = h(k.seal(sealPrivateKey, encodePayload(payloadPrivateKey, priv.seed()), b, vectorNonce()))

	sk := vectorSigningKey()
	v["sign/public-key"] = h(sk.PublicKeyBytes())
	v["sign/signature"] = h(sk.Sign(pt))
	v["sign/sealed"] = h(k.seal(sealSigningKey, encodePayload(payloadSigningKey, sk.k.Seed()), b, vectorNonce()))

	fk := FileKey{k: raw32(0xa0), valid: true}
	v["filekey/sealed"] = h(k.seal(sealFileKey, encodePayload(payloadFileKey, fk.k[:]), b, vectorNonce()))
	for name, n := range map[string]int{"empty": 0, "5-bytes": 5, "70000-bytes": 70000} {
		var out bytes.Buffer
		streamSalt := raw32(0x90)
		w, err := newEncryptWriter(&out, fk, "tenant-a", "att-1", streamSalt[:])
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(pattern(n))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if n > 100 {
			v["stream/"+name+"-sha256"] = h(SHA256(out.Bytes()))
		} else {
			v["stream/"+name] = h(out.Bytes())
		}
	}
	return v
}

func vectorPrivateKey(t *testing.T) *PrivateKey {
	seed := raw32(0x60)
	p, err := privateKeyFromSeed(seed[:])
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func vectorSigningKey() SigningKey {
	seed := raw32(0x80)
	return signingKeyFromSeed(seed[:])
}

// Wraps are randomized (HPKE encapsulation), so the file stores them as
// inputs: the test checks they still unwrap to the fixed keys, which pins
// the wrap layout and the HPKE info encoding.
func wrapVectorInfo() WrapInfo { return testWrapInfo() }

func TestVectors(t *testing.T) {
	path := filepath.Join("testdata", vectorsFile)
	got := computedVectors(t)
	priv := vectorPrivateKey(t)
	innerSeed := raw32(0x71)
	if *update {
		ck := ContentKey{k: raw32(0x70), valid: true}
		w, err := Wrap(priv.Public(), ck, wrapVectorInfo())
		if err != nil {
			t.Fatal(err)
		}
		got["hpke/wrap-content-key"] = hex.EncodeToString(w)
		inner, _ := privateKeyFromSeed(innerSeed[:])
		wp, err := WrapPrivateKey(priv.Public(), inner, wrapVectorInfo())
		if err != nil {
			t.Fatal(err)
		}
		got["hpke/wrap-private-key"] = hex.EncodeToString(wp)
		data, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]string
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	for name, g := range got {
		if want[name] != g {
			t.Errorf("%s drifted:\n got %s\nwant %s", name, g, want[name])
		}
	}

	w, _ := hex.DecodeString(want["hpke/wrap-content-key"])
	ck, err := Unwrap(priv, w, wrapVectorInfo())
	if err != nil || ck.k != raw32(0x70) {
		t.Errorf("stored content-key wrap no longer unwraps: %v", err)
	}
	wp, _ := hex.DecodeString(want["hpke/wrap-private-key"])
	inner, err := UnwrapPrivateKey(priv, wp, wrapVectorInfo())
	if err != nil || !bytes.Equal(inner.seed(), innerSeed[:]) {
		t.Errorf("stored private-key wrap no longer unwraps: %v", err)
	}

	// The stored ciphertexts also open through the public API.
	k := newSymmetricKey(raw32(1))
	sealed, _ := hex.DecodeString(want["seal/ciphertext"])
	if pt, err := k.Open(sealed, testBinding()); err != nil || string(pt) != "hello, vectors" {
		t.Errorf("stored seal does not open: %v", err)
	}
	hs := NewHasher(TestKDFParams(), 1)
	if _, err := hs.Verify(context.Background(), "correct horse battery staple", "acc-1", want["password/record"]); err != nil {
		t.Errorf("stored record does not verify: %v", err)
	}
}
