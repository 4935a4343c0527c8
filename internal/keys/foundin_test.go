package keys

import (
	"encoding/base64"
	"encoding/hex"
	"testing"
)

func TestPrivateKeyFoundIn(t *testing.T) {
	k, err := GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := GenerateKeyPair()
	seed := k.seed()
	for name, data := range map[string][]byte{
		"raw":    append(append([]byte("prefix"), seed...), "suffix"...),
		"hex":    []byte("x" + hex.EncodeToString(seed) + "y"),
		"b64":    []byte(base64.StdEncoding.EncodeToString(seed)),
		"b64url": []byte(base64.RawURLEncoding.EncodeToString(seed)),
	} {
		if !k.FoundIn(data) {
			t.Errorf("%s form not found", name)
		}
		if other.FoundIn(data) {
			t.Errorf("%s: another key reported found", name)
		}
	}
	sealed := SealPrivateKey(NewSecret().Derive("x"), k, Binding{Purpose: "p"})
	if k.FoundIn(sealed) {
		t.Error("the key shows through its seal")
	}
}
