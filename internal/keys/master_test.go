package keys

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
)

func mustKeyring(t testing.TB) *MasterKeyring {
	t.Helper()
	m, err := GenerateMasterKeyring()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMasterMarshalParse(t *testing.T) {
	m := mustKeyring(t)
	if err := m.Rotate(); err != nil {
		t.Fatal(err)
	}
	text := m.Marshal()
	p, err := ParseMasterKeyring(text)
	if err != nil {
		t.Fatal(err)
	}
	if p.CurrentID() != m.CurrentID() || !bytes.Equal(p.Marshal(), text) {
		t.Fatalf("round trip changed the keyring:\n%s\n%s", text, p.Marshal())
	}
	ct := m.Seal(PurposeTOTP, []byte("totp secret"), testBinding())
	if got, err := p.Open(PurposeTOTP, ct, testBinding()); err != nil || string(got) != "totp secret" {
		t.Fatalf("parsed keyring cannot open: %v", err)
	}
}

func TestParseMasterKeyringForms(t *testing.T) {
	k32 := bytes.Repeat([]byte{7}, 32)
	std := base64.StdEncoding.EncodeToString(k32)
	url := base64.RawURLEncoding.EncodeToString(append(k32, 0xfb, 0xff))
	ok := map[string]string{
		"single unmarked": "smk1 a " + std + "\n",
		"comments, CRLF":  "# master key\r\n\r\n  smk1 a " + std + " current\r\n# end\r\n",
		"two keys":        "smk1 old " + url + " previous\nsmk1 new " + std + " current\n",
		"retired synonym": "smk1 old " + url + " retired\nsmk1 new " + std + " current",
		"unpadded std":    "smk1 a " + strings.TrimRight(std, "=") + " current",
	}
	for name, in := range ok {
		if _, err := ParseMasterKeyring([]byte(in)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	short := base64.StdEncoding.EncodeToString(k32[:31])
	long := base64.StdEncoding.EncodeToString(bytes.Repeat(k32, 3))
	bad := map[string]string{
		"empty":            "",
		"only comments":    "# nothing\n",
		"garbage":          "hello world",
		"binary":           "\x00\x01\x02",
		"wrong tag":        "smk2 a " + std + " current",
		"short key":        "smk1 a " + short + " current",
		"too long key":     "smk1 a " + long + " current",
		"bad base64":       "smk1 a !!!" + std + " current",
		"bad state":        "smk1 a " + std + " active",
		"extra field":      "smk1 a " + std + " current x",
		"missing key":      "smk1 a",
		"two current":      "smk1 a " + std + " current\nsmk1 b " + std + " current",
		"no current":       "smk1 a " + std + " previous\nsmk1 b " + std,
		"unmarked pair":    "smk1 a " + std + "\nsmk1 b " + std,
		"duplicate id":     "smk1 a " + std + " current\nsmk1 a " + std,
		"bad id":           "smk1 a/b " + std + " current",
		"long id":          "smk1 " + strings.Repeat("a", 33) + " " + std + " current",
		"trailing garbage": "smk1 a " + std + " current\nxyz",
	}
	for name, in := range bad {
		if _, err := ParseMasterKeyring([]byte(in)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", name, err)
		}
	}
}

func TestMasterRotation(t *testing.T) {
	m := mustKeyring(t)
	b := testBinding()
	oldID := m.CurrentID()
	oldCT := m.Seal(PurposeCredentials, []byte("smtp password"), b)
	oldTag := m.MAC(PurposePublicKey, []byte("data"))
	if m.NeedsRotation(oldCT) || m.NeedsRotation(oldTag) {
		t.Fatal("fresh values need rotation")
	}
	if out, changed, err := m.Reseal(PurposeCredentials, oldCT, b); err != nil || changed || !bytes.Equal(out, oldCT) {
		t.Fatalf("Reseal under current key: changed=%v err=%v", changed, err)
	}

	if err := m.Rotate(); err != nil {
		t.Fatal(err)
	}
	if m.CurrentID() == oldID {
		t.Fatal("Rotate kept the current id")
	}
	if !m.NeedsRotation(oldCT) || !m.NeedsRotation(oldTag) {
		t.Fatal("old values do not need rotation")
	}
	if got, err := m.Open(PurposeCredentials, oldCT, b); err != nil || string(got) != "smtp password" {
		t.Fatalf("old ciphertext does not open after Rotate: %v", err)
	}
	if !m.VerifyMAC(PurposePublicKey, []byte("data"), oldTag) {
		t.Fatal("old tag does not verify after Rotate")
	}
	newCT, changed, err := m.Reseal(PurposeCredentials, oldCT, b)
	if err != nil || !changed || bytes.Equal(newCT, oldCT) || m.NeedsRotation(newCT) {
		t.Fatalf("Reseal: changed=%v err=%v", changed, err)
	}
	if _, _, err := m.Reseal(PurposeCredentials, oldCT, Binding{}); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Reseal with wrong binding: %v", err)
	}

	if err := m.Retire(m.CurrentID()); err == nil {
		t.Fatal("retired the current key")
	}
	if err := m.Retire("nope"); err == nil {
		t.Fatal("retired an unknown key")
	}
	if err := m.Retire(oldID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Open(PurposeCredentials, oldCT, b); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("old ciphertext opens after Retire: %v", err)
	}
	if m.VerifyMAC(PurposePublicKey, []byte("data"), oldTag) {
		t.Fatal("old tag verifies after Retire")
	}
	if got, err := m.Open(PurposeCredentials, newCT, b); err != nil || string(got) != "smtp password" {
		t.Fatalf("resealed value: %v", err)
	}
	p, err := ParseMasterKeyring(m.Marshal())
	if err != nil || strings.Contains(string(p.Marshal()), oldID) {
		t.Fatalf("retired key still marshalled: %v", err)
	}
}

func TestMasterPurposesSeparated(t *testing.T) {
	m := mustKeyring(t)
	b := testBinding()
	ct := m.Seal(PurposeTOTP, []byte("x"), b)
	if _, err := m.Open(PurposeJobs, ct, b); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("other purpose opened: %v", err)
	}
	for name, other := range bindingVariants(b) {
		if _, err := m.Open(PurposeTOTP, ct, other); !errors.Is(err, ErrWrongKey) {
			t.Errorf("binding %s: %v", name, err)
		}
	}
	tag := m.MAC(PurposeCodes, []byte("d"))
	if m.VerifyMAC(PurposePublicKey, []byte("d"), tag) || m.VerifyMAC(PurposeCodes, []byte("e"), tag) {
		t.Fatal("MAC verifies for another purpose or data")
	}
	if _, err := mustKeyring(t).Open(PurposeTOTP, ct, b); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("other keyring opened: %v", err)
	}
}

func TestMasterTamper(t *testing.T) {
	m := mustKeyring(t)
	b := testBinding()
	ct := m.Seal(PurposeTOTP, []byte("x"), b)
	forEachTamper(t, ct, func(mod []byte) error {
		_, err := m.Open(PurposeTOTP, mod, b)
		return err
	})
	tag := m.MAC(PurposeCodes, []byte("d"))
	forEachTamper(t, tag, func(mod []byte) error {
		if m.VerifyMAC(PurposeCodes, []byte("d"), mod) {
			return nil
		}
		return ErrWrongKey
	})
	if !m.VerifyMAC(PurposeCodes, []byte("d"), tag) {
		t.Fatal("tag does not verify")
	}
	if m.NeedsRotation(nil) || m.NeedsRotation([]byte("garbage")) {
		t.Fatal("malformed input needs rotation")
	}
}

func TestCodeHash(t *testing.T) {
	m := mustKeyring(t)
	h := m.CodeHash("login", "acc-1", "123456")
	if !bytes.Equal(h, m.CodeHash("login", "acc-1", "123456")) {
		t.Fatal("CodeHash not deterministic")
	}
	for _, other := range [][3]string{
		{"open-message", "acc-1", "123456"}, {"login", "acc-2", "123456"}, {"login", "acc-1", "123457"},
		{"login", "acc-11", "23456"}, {"logina", "cc-1", "123456"},
	} {
		if bytes.Equal(h, m.CodeHash(other[0], other[1], other[2])) || m.VerifyCodeHash(other[0], other[1], other[2], h) {
			t.Fatalf("CodeHash collides for %q", other)
		}
	}
	if !m.VerifyCodeHash("login", "acc-1", "123456", h) {
		t.Fatal("VerifyCodeHash false")
	}
	if bytes.Contains(h, []byte("123456")) {
		t.Fatal("code visible in hash")
	}
	if err := m.Rotate(); err != nil {
		t.Fatal(err)
	}
	if !m.VerifyCodeHash("login", "acc-1", "123456", h) {
		t.Fatal("hash from before rotation does not verify")
	}
}

func TestAuthenticatePublicKey(t *testing.T) {
	m := mustKeyring(t)
	a, _ := GenerateKeyPair()
	c, _ := GenerateKeyPair()
	owner := Binding{Purpose: "account-key", Tenant: "t1", ObjectKind: "account", ObjectID: "acc-1"}
	tag := m.AuthenticatePublicKey(a.Public(), owner)
	if err := m.VerifyPublicKey(a.Public(), owner, tag); err != nil {
		t.Fatal(err)
	}
	if err := m.VerifyPublicKey(c.Public(), owner, tag); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("swapped key: %v", err)
	}
	for name, other := range bindingVariants(owner) {
		if err := m.VerifyPublicKey(a.Public(), other, tag); !errors.Is(err, ErrWrongKey) {
			t.Errorf("owner %s: %v", name, err)
		}
	}
	if err := mustKeyring(t).VerifyPublicKey(a.Public(), owner, tag); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("other keyring: %v", err)
	}
	if err := m.VerifyPublicKey(a.Public(), owner, []byte("junk")); !errors.Is(err, ErrFormat) {
		t.Fatalf("junk tag: %v", err)
	}
	if err := m.VerifyPublicKey(nil, owner, tag); !errors.Is(err, ErrFormat) {
		t.Fatalf("nil key: %v", err)
	}
	// A MAC of the same bytes for another purpose is not a public-key tag.
	if err := m.VerifyPublicKey(a.Public(), owner, m.MAC(PurposeCodes, publicKeyMACInput(a.Public(), owner))); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("cross-purpose tag: %v", err)
	}
}

func TestMasterConcurrent(t *testing.T) {
	m := mustKeyring(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 50 {
				if i == 0 {
					_ = m.Rotate()
					continue
				}
				ct := m.Seal(PurposeJobs, []byte("j"), testBinding())
				if _, err := m.Open(PurposeJobs, ct, testBinding()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestMasterEmptyPurposePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("empty purpose did not panic")
		}
	}()
	mustKeyring(t).Seal("", nil, Binding{})
}

func TestParseMasterKeyringErrorHidesKey(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 31))
	_, err := ParseMasterKeyring([]byte("# c\nsmk1 a " + key + " current\n"))
	if !errors.Is(err, ErrFormat) || strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v", err)
	}
}
