package jobs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/securemailbox/securemailbox/internal/redact"
)

// ErrUnsafeArgs is wrapped when job arguments look like they carry a secret or content.
var ErrUnsafeArgs = errors.New("jobs: job arguments may carry ids only")

// maxArgString bounds every string in job arguments: ids are short, content is not.
const maxArgString = 256

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
			if redact.Sensitive(k) {
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
		if redact.Sensitive(name) {
			return fmt.Errorf("%w: field %s.%s names a secret or content", ErrUnsafeArgs, path, name)
		}
		if err := walkType(f.Type, path+"."+name, seen); err != nil {
			return err
		}
	}
	return nil
}
