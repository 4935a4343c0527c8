package keys

import (
	"bytes"
	"errors"
	"testing"
)

func mustKeyPair(t testing.TB) *PrivateKey {
	t.Helper()
	k, err := GenerateKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testWrapInfo() WrapInfo {
	return WrapInfo{Purpose: WrapContent, Tenant: "tenant-a", ObjectKind: "message", ObjectID: "msg-1",
		RecipientKind: "account", RecipientID: "acc-1"}
}

func wrapInfoVariants(i WrapInfo) map[string]WrapInfo {
	out := map[string]WrapInfo{}
	c := i
	c.Purpose = WrapFile
	out["purpose"] = c
	c = i
	c.Tenant = "tenant-b"
	out["tenant"] = c
	c = i
	c.ObjectKind = "attachment"
	out["object kind"] = c
	c = i
	c.ObjectID = "msg-2"
	out["object id"] = c
	c = i
	c.RecipientKind = "mailbox"
	out["recipient kind"] = c
	c = i
	c.RecipientID = "acc-2"
	out["recipient id"] = c
	c = i
	c.ObjectID, c.RecipientKind = i.ObjectID+i.RecipientKind[:1], i.RecipientKind[1:]
	out["shifted"] = c
	out["zero"] = WrapInfo{}
	return out
}

func TestKeyPair(t *testing.T) {
	k := mustKeyPair(t)
	pub := k.Public()
	b := pub.Bytes()
	if len(b) != 2+hpkePublicKeySize || b[0] != formatVersion || b[1] != suiteHPKE {
		t.Fatalf("public key bytes: %d, %x", len(b), b[:2])
	}
	p, err := ParsePublicKey(b)
	if err != nil || !p.Equal(pub) || p.ID() != pub.ID() || k.ID() != pub.ID() {
		t.Fatalf("ParsePublicKey: %v", err)
	}
	if len(pub.ID()) != 22 {
		t.Fatalf("id %q", pub.ID())
	}
	other := mustKeyPair(t).Public()
	if pub.Equal(other) || other.ID() == pub.ID() {
		t.Fatal("distinct keys equal")
	}
	b[5] ^= 1
	if !bytes.Equal(pub.Bytes()[:6], p.Bytes()[:6]) {
		t.Fatal("Bytes aliases internal state")
	}
	for name, in := range map[string][]byte{
		"empty":     nil,
		"version":   append([]byte{2}, pub.Bytes()[1:]...),
		"suite":     append([]byte{1, 9}, pub.Bytes()[2:]...),
		"short":     pub.Bytes()[:100],
		"long":      append(pub.Bytes(), 0),
		"raw bytes": pub.Bytes()[2:],
	} {
		if _, err := ParsePublicKey(in); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSealPrivateKey(t *testing.T) {
	k := mustKeyPair(t)
	kek := newSymmetricKey(raw32(3))
	b := testBinding()
	sealed := SealPrivateKey(kek, k, b)
	got, err := OpenPrivateKey(kek, sealed, b)
	if err != nil || !got.Public().Equal(k.Public()) {
		t.Fatalf("OpenPrivateKey: %v", err)
	}
	for name, other := range bindingVariants(b) {
		if _, err := OpenPrivateKey(kek, sealed, other); !errors.Is(err, ErrWrongKey) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := OpenPrivateKey(newSymmetricKey(raw32(4)), sealed, b); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong KEK: %v", err)
	}
	forEachTamper(t, sealed, func(mod []byte) error {
		_, err := OpenPrivateKey(kek, mod, b)
		return err
	})
}

func TestWrapUnwrap(t *testing.T) {
	k := mustKeyPair(t)
	info := testWrapInfo()
	ck := NewContentKey()
	w, err := Wrap(k.Public(), ck, info)
	if err != nil {
		t.Fatal(err)
	}
	if w[0] != formatVersion || w[1] != suiteHPKE || string(w[3:3+int(w[2])]) != k.ID() {
		t.Fatal("wrap header")
	}
	got, err := Unwrap(k, w, info)
	if err != nil || got != ck {
		t.Fatalf("Unwrap: %v", err)
	}
	for name, other := range wrapInfoVariants(info) {
		if _, err := Unwrap(k, w, other); !errors.Is(err, ErrWrongKey) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Unwrap(mustKeyPair(t), w, info); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("other recipient: %v", err)
	}
	if _, err := Unwrap(nil, w, info); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("nil recipient: %v", err)
	}
	if _, err := Wrap(nil, ck, info); !errors.Is(err, ErrFormat) {
		t.Fatalf("nil public key: %v", err)
	}
	if _, err := Wrap(k.Public(), ContentKey{}, info); err == nil {
		t.Fatal("wrapped the zero content key")
	}
}

// A wrap's recipient key id is in the HPKE info as well as the header: a
// wrap relabelled for another key id fails even with the right key.
func TestWrapRelabelled(t *testing.T) {
	k := mustKeyPair(t)
	info := testWrapInfo()
	w, _ := Wrap(k.Public(), NewContentKey(), info)
	suite, _, rest, _ := parseHeader(w)
	relabelled := append(appendHeader(nil, suite, "another-key-id"), rest...)
	if _, err := unwrap(&PrivateKey{k: k.k, pub: &PublicKey{k: k.pub.k, raw: k.pub.raw, id: "another-key-id"}}, relabelled, info); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("relabelled wrap: %v", err)
	}
}

func TestWrapTamper(t *testing.T) {
	if testing.Short() {
		t.Skip("about 3000 HPKE opens")
	}
	k := mustKeyPair(t)
	info := testWrapInfo()
	w, _ := Wrap(k.Public(), NewContentKey(), info)
	forEachTamper(t, w, func(mod []byte) error {
		_, err := Unwrap(k, mod, info)
		return err
	})
}

func TestWrapPayloadsSeparated(t *testing.T) {
	k := mustKeyPair(t)
	info := testWrapInfo()
	fk := NewFileKey()
	wf, err := WrapFileKey(k.Public(), fk, info)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Unwrap(k, wf, info); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("file key unwrapped as content key: %v", err)
	}
	if _, err := UnwrapPrivateKey(k, wf, info); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("file key unwrapped as private key: %v", err)
	}
	got, err := UnwrapFileKey(k, wf, info)
	if err != nil || got != fk {
		t.Fatalf("UnwrapFileKey: %v", err)
	}
	for name, other := range wrapInfoVariants(info) {
		if _, err := UnwrapFileKey(k, wf, other); !errors.Is(err, ErrWrongKey) {
			t.Errorf("file key, %s: %v", name, err)
		}
	}
}

func TestWrapPrivateKey(t *testing.T) {
	member := mustKeyPair(t)
	mailbox := mustKeyPair(t)
	info := WrapInfo{Purpose: WrapMailbox, Tenant: "t", ObjectKind: "mailbox-key", ObjectID: "mb-1/v1",
		RecipientKind: "account", RecipientID: "acc-1"}
	w, err := WrapPrivateKey(member.Public(), mailbox, info)
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnwrapPrivateKey(member, w, info)
	if err != nil || !got.Public().Equal(mailbox.Public()) || got.ID() != mailbox.ID() {
		t.Fatalf("UnwrapPrivateKey: %v", err)
	}
	// The unwrapped key works: it opens what was wrapped to the mailbox.
	ck := NewContentKey()
	wc, _ := Wrap(mailbox.Public(), ck, testWrapInfo())
	if c, err := Unwrap(got, wc, testWrapInfo()); err != nil || c != ck {
		t.Fatalf("unwrapped key does not work: %v", err)
	}
	for name, other := range wrapInfoVariants(info) {
		if _, err := UnwrapPrivateKey(member, w, other); !errors.Is(err, ErrWrongKey) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Unwrap(member, w, info); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("private key unwrapped as content key: %v", err)
	}
	if _, err := WrapPrivateKey(member.Public(), nil, info); err == nil {
		t.Fatal("wrapped nil private key")
	}
}
