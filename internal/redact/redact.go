package redact

import (
	"strings"
	"unicode"
)

// forbiddenWords name secrets or content. A name is sensitive when one of its words is one
// of these (or its plural), or when the key ends with one ("smscode", "apikey"); a key whose
// last word is "id" or "ids" names an id and is allowed ("token_id", "subject_id").
var forbiddenWords = []string{
	"token", "secret", "code", "password", "passwd", "passphrase", "otp", "key",
	"body", "subject", "text", "html", "content", "plaintext",
}

// splitWords splits a JSON key into lower-case words at '_', '-', '.', spaces and camelCase
// boundaries: "resetToken" → reset, token.
func splitWords(key string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(key)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.' || unicode.IsSpace(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
			(unicode.IsUpper(rs[i-1]) && startsWord(rs, i))):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// startsWord reports whether the upper-case rs[i], inside a run of capitals, begins a new
// camelCase word: "HTMLBody" splits before B, but the plural "IDs" stays one word.
func startsWord(rs []rune, i int) bool {
	if i+1 >= len(rs) || !unicode.IsLower(rs[i+1]) {
		return false
	}
	pluralEnd := rs[i+1] == 's' && (i+2 == len(rs) || !unicode.IsLower(rs[i+2]))
	return !pluralEnd
}

// Sensitive reports whether a name (a JSON key, an audit detail key) names a secret or
// content, which must never go where only ids belong.
func Sensitive(key string) bool {
	words := splitWords(key)
	if len(words) == 0 {
		return false
	}
	if last := words[len(words)-1]; last == "id" || last == "ids" {
		return false
	}
	joined := strings.Join(words, "")
	for _, f := range forbiddenWords {
		if strings.HasSuffix(joined, f) || strings.HasSuffix(joined, f+"s") {
			return true
		}
		for _, w := range words {
			if w == f || w == f+"s" {
				return true
			}
		}
	}
	return false
}
