package jobs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"
)

// ErrUnsafeArgs is wrapped when job arguments look like they carry a secret or content.
var ErrUnsafeArgs = errors.New("jobs: job arguments may carry ids only")

// maxArgString bounds every string in job arguments: ids are short, content is not.
const maxArgString = 256

// forbiddenWords name secrets or content. A JSON key is refused when one of its words is one
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

// unsafeKey reports whether a JSON key names a secret or content.
func unsafeKey(key string) bool {
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

// checkArgs refuses arguments whose JSON form has a key that names a secret or content, or a
// string too long to be an id. The error names the key, never a value.
func checkArgs(args Args) error {
	if args == nil {
		return fmt.Errorf("%w: nil arguments", ErrUnsafeArgs)
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("jobs: encode %s arguments: %w", args.Kind(), err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("jobs: decode %s arguments: %w", args.Kind(), err)
	}
	if err := walkJSON(v, "$"); err != nil {
		return fmt.Errorf("jobs: %s: %w", args.Kind(), err)
	}
	return nil
}

func walkJSON(v any, path string) error {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if unsafeKey(k) {
				return fmt.Errorf("%w: field %s.%s names a secret or content", ErrUnsafeArgs, path, k)
			}
			if err := walkJSON(child, path+"."+k); err != nil {
				return err
			}
		}
	case []any:
		for i, child := range v {
			if err := walkJSON(child, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case string:
		if len(v) > maxArgString {
			return fmt.Errorf("%w: %s is a string of %d bytes, longer than an id", ErrUnsafeArgs, path, len(v))
		}
	}
	return nil
}

// checkArgsType refuses an argument type with a field whose JSON name names a secret or
// content, including fields that omitempty would hide from checkArgs.
func checkArgsType(t reflect.Type) error {
	return walkType(t, "$", map[reflect.Type]bool{})
}

func walkType(t reflect.Type, path string, seen map[reflect.Type]bool) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	defer delete(seen, t)
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		if f.Anonymous && name == "" {
			// Embedded struct: its fields are promoted into this object.
			if err := walkType(f.Type, path, seen); err != nil {
				return err
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		if unsafeKey(name) {
			return fmt.Errorf("%w: field %s.%s names a secret or content", ErrUnsafeArgs, path, name)
		}
		if err := walkType(f.Type, path+"."+name, seen); err != nil {
			return err
		}
	}
	return nil
}
