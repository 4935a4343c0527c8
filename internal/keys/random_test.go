package keys

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestRandom(t *testing.T) {
	a, b := Random(32), Random(32)
	if len(a) != 32 || bytes.Equal(a, b) {
		t.Fatalf("Random(32) = %x, %x", a, b)
	}
	if len(Random(0)) != 0 {
		t.Fatal("Random(0) not empty")
	}
}

func TestSecretRoundTrip(t *testing.T) {
	s := NewSecret()
	w := s.String()
	if len(w) != 43 || strings.ContainsAny(w, "+/=") {
		t.Fatalf("wire form %q", w)
	}
	p, err := ParseSecret(w)
	if err != nil || p != s {
		t.Fatalf("ParseSecret: %v", err)
	}
	if NewSecret() == s {
		t.Fatal("two secrets equal")
	}
	if !bytes.Equal(s.Hash(), SHA256(s.b[:])) || len(s.Hash()) != 32 {
		t.Fatal("Hash is not SHA-256 of the raw bytes")
	}
}

func TestParseSecretRejects(t *testing.T) {
	s := NewSecret().String()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	// 43 characters carry 258 bits: the last character's two low bits are
	// padding and must be zero, so flipping bit 0 gives a non-canonical form.
	nonCanonical := s[:42] + string(alphabet[strings.IndexByte(alphabet, s[42])^1])
	for name, in := range map[string]string{
		"empty":         "",
		"short":         s[:42],
		"long":          s + "A",
		"padded":        s + "=",
		"std alphabet":  strings.Repeat("+", 43),
		"space":         " " + s[1:],
		"non-canonical": nonCanonical,
	} {
		if _, err := ParseSecret(in); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: ParseSecret(%q) err = %v, want ErrFormat", name, in, err)
		}
	}
}

func TestSecretDerive(t *testing.T) {
	s := NewSecret()
	a, b := s.Derive("sm/v1/session"), s.Derive("sm/v1/ext")
	if a.k == b.k || a.id == b.id {
		t.Fatal("labels do not separate keys")
	}
	if s.Derive("sm/v1/session") != a {
		t.Fatal("Derive not deterministic")
	}
	ct := a.Seal([]byte("x"), testBinding())
	if _, err := b.Open(ct, testBinding()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("other label opened: %v", err)
	}
}

func TestEqual(t *testing.T) {
	if !Equal([]byte("abc"), []byte("abc")) || Equal([]byte("abc"), []byte("abd")) || Equal([]byte("ab"), []byte("abc")) {
		t.Fatal("Equal wrong")
	}
	if !Equal(nil, []byte{}) {
		t.Fatal("empty slices differ")
	}
}

func TestNewNumericCode(t *testing.T) {
	counts := map[byte]int{}
	for range 2000 {
		c := NewNumericCode(6)
		if len(c) != 6 {
			t.Fatalf("len(%q) != 6", c)
		}
		for _, d := range []byte(c) {
			if d < '0' || d > '9' {
				t.Fatalf("non-digit in %q", c)
			}
			counts[d]++
		}
	}
	// 12000 digits, 1200 expected each; 5 standard deviations is about 165.
	for d := byte('0'); d <= '9'; d++ {
		if counts[d] < 1000 || counts[d] > 1400 {
			t.Fatalf("digit %c appeared %d times of 12000", d, counts[d])
		}
	}
	if len(NewNumericCode(1)) != 1 || len(NewNumericCode(64)) != 64 {
		t.Fatal("edge lengths")
	}
	for _, n := range []int{0, -1, 65} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("NewNumericCode(%d) did not panic", n)
				}
			}()
			NewNumericCode(n)
		}()
	}
}

func TestRecoverySecret(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{5}(-[0-9a-hjkmnp-tv-z]{5}){3}$`)
	seen := map[string]bool{}
	for range 200 {
		s := NewRecoverySecret()
		if !re.MatchString(s) {
			t.Fatalf("format %q", s)
		}
		if seen[s] {
			t.Fatalf("repeat %q", s)
		}
		seen[s] = true
		n := NormalizeRecoverySecret(s)
		if n != strings.ReplaceAll(s, "-", "") || len(n) != 20 {
			t.Fatalf("normalize(%q) = %q", s, n)
		}
		typed := strings.ToUpper(strings.ReplaceAll(s, "-", " "))
		if NormalizeRecoverySecret(typed) != n {
			t.Fatalf("typed form %q does not normalize to %q", typed, n)
		}
	}
}

func TestNormalizeRecoverySecret(t *testing.T) {
	for in, want := range map[string]string{
		"abcde-fghjk":        "abcdefghjk",
		"  ABCDE FGHJK \t":   "abcdefghjk",
		"OoIiLl":             "001111",
		"ａｂｃ１２":              "abc12", // full-width
		"ab\u2013cd\u2212ef": "abcdef",
		"":                   "",
		"0-1-2":              "012",
	} {
		if got := NormalizeRecoverySecret(in); got != want {
			t.Errorf("NormalizeRecoverySecret(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSHA256(t *testing.T) {
	// FIPS 180-2 test vector "abc".
	want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := hexOf(SHA256([]byte("abc"))); got != want {
		t.Fatalf("SHA256(abc) = %s", got)
	}
}

func TestNewCodeID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewCodeID()
		if len(id) != 12 || strings.Trim(id, crockford) != "" || seen[id] {
			t.Fatalf("id %q (seen %v)", id, seen[id])
		}
		seen[id] = true
	}
}
