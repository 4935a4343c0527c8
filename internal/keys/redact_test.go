package keys

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestKeysDoNotPrint checks that no fmt verb, slog handler or json.Marshal
// shows key bytes, in any common encoding.
func TestKeysDoNotPrint(t *testing.T) {
	priv, err := GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	sk, err := GenerateSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	mk, err := GenerateMasterKeyring()
	if err != nil {
		t.Fatal(err)
	}
	secret := NewSecret()
	ck, fk := NewContentKey(), NewFileKey()
	sym := secret.Derive("x")
	raws := map[string][]byte{
		"Secret":        secret.b[:],
		"SymmetricKey":  sym.k[:],
		"ContentKey":    ck.k[:],
		"FileKey":       fk.k[:],
		"PrivateKey":    priv.seed(),
		"SigningKey":    sk.k.Seed(),
		"MasterKeyring": mk.keys[0].raw,
	}
	values := map[string]any{
		"Secret": secret, "SymmetricKey": sym, "ContentKey": ck, "FileKey": fk,
		"PrivateKey": priv, "SigningKey": sk, "MasterKeyring": mk,
	}
	for name, v := range values {
		raw := raws[name]
		forms := []string{string(raw), hex.EncodeToString(raw), strings.ToUpper(hex.EncodeToString(raw)),
			base64.StdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw)[:20],
			fmt.Sprint(raw), fmt.Sprintf("%#v", raw)[:30]}
		var out bytes.Buffer
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			fmt.Fprintf(&out, verb+"\n", v)
			fmt.Fprintf(&out, verb+"\n", []any{v})
			fmt.Fprintf(&out, verb+"\n", struct{ K any }{v})
		}
		slog.New(slog.NewTextHandler(&out, nil)).Info("m", "k", v)
		slog.New(slog.NewJSONHandler(&out, nil)).Info("m", "k", v)
		j, _ := json.Marshal(v)
		out.Write(j)
		for _, f := range forms {
			if strings.Contains(out.String(), f) {
				t.Errorf("%s leaks its bytes (%q) in:\n%s", name, f, out.String())
			}
		}
		if !strings.Contains(out.String(), redacted) {
			t.Errorf("%s output lacks %q", name, redacted)
		}
	}
	// The Secret's wire form is obtained only deliberately.
	if !strings.Contains(secret.String(), base64.RawURLEncoding.EncodeToString(secret.b[:])) {
		t.Error("Secret.String is not the wire form")
	}
}
