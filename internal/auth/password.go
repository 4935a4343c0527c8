package auth

import (
	"bufio"
	_ "embed"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Password rules (SECURITY.md, NIST SP 800-63B-4): length counted in code points after NFKC,
// at least 12, at most 1024, never truncated, no composition rules, not on the list of
// common passwords.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 1024
)

//go:embed common_passwords.txt
var commonPasswordList string

// blocklist is the set of common passwords, lower-cased and NFKC-normalised.
type blocklist map[string]struct{}

func loadBlocklist() blocklist {
	b := blocklist{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordList))
	for sc.Scan() {
		w := strings.TrimSpace(sc.Text())
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		b[strings.ToLower(norm.NFKC.String(w))] = struct{}{}
	}
	return b
}

// check validates a new password. email and name are the account's own, which make
// poor passwords too.
func (b blocklist) check(password, email, name string) error {
	p := norm.NFKC.String(password)
	n := utf8.RuneCountInString(p)
	if n < MinPasswordLen {
		return ErrPasswordTooShort.With(map[string]any{"Min": MinPasswordLen})
	}
	if n > MaxPasswordLen {
		return ErrPasswordTooLong.With(map[string]any{"Max": MaxPasswordLen})
	}
	lower := strings.ToLower(p)
	if _, bad := b[lower]; bad {
		return ErrWeakPassword
	}
	if email != "" && (lower == strings.ToLower(email) || lower == strings.ToLower(strings.SplitN(email, "@", 2)[0])) {
		return ErrWeakPassword
	}
	if name != "" && lower == strings.ToLower(norm.NFKC.String(name)) {
		return ErrWeakPassword
	}
	if repeated(lower) {
		return ErrWeakPassword
	}
	return nil
}

// repeated catches "aaaaaaaaaaaa" and "abcabcabcabc": a short unit repeated to length.
func repeated(p string) bool {
	r := []rune(p)
	for unit := 1; unit <= 3 && unit < len(r); unit++ {
		same := true
		for i := unit; i < len(r); i++ {
			if r[i] != r[i%unit] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}
