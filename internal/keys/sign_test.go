package keys

import (
	"errors"
	"testing"
)

func TestSigning(t *testing.T) {
	sk, err := GenerateSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte(`{"message":"m-1"}`)
	sig := sk.Sign(msg)
	pub := sk.PublicKeyBytes()
	if len(sig) != 64 || len(pub) != 32 || !VerifySignature(pub, msg, sig) {
		t.Fatal("signature does not verify")
	}
	bad := append([]byte(nil), sig...)
	bad[10] ^= 1
	other, _ := GenerateSigningKey()
	for name, ok := range map[string]bool{
		"tampered sig": VerifySignature(pub, msg, bad),
		"other msg":    VerifySignature(pub, []byte("x"), sig),
		"other key":    VerifySignature(other.PublicKeyBytes(), msg, sig),
		"short pub":    VerifySignature(pub[:31], msg, sig),
		"nil pub":      VerifySignature(nil, msg, sig),
		"short sig":    VerifySignature(pub, msg, sig[:63]),
	} {
		if ok {
			t.Errorf("%s verified", name)
		}
	}
	if (SigningKey{}).PublicKeyBytes() != nil {
		t.Fatal("zero key has a public key")
	}
}

func TestSealSigningKey(t *testing.T) {
	sk, _ := GenerateSigningKey()
	k := newSymmetricKey(raw32(5))
	b := testBinding()
	sealed := SealSigningKey(k, sk, b)
	got, err := OpenSigningKey(k, sealed, b)
	if err != nil || string(got.PublicKeyBytes()) != string(sk.PublicKeyBytes()) {
		t.Fatalf("OpenSigningKey: %v", err)
	}
	if !VerifySignature(sk.PublicKeyBytes(), []byte("m"), got.Sign([]byte("m"))) {
		t.Fatal("reopened key signs differently")
	}
	for name, other := range bindingVariants(b) {
		if _, err := OpenSigningKey(k, sealed, other); !errors.Is(err, ErrWrongKey) {
			t.Errorf("%s: %v", name, err)
		}
	}
	forEachTamper(t, sealed, func(mod []byte) error {
		_, err := OpenSigningKey(k, mod, b)
		return err
	})
}
