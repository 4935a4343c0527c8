package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// field is one setting of Config, found by reflection so that the TOML key, the flag and
// the environment variable of a setting can never disagree.
type field struct {
	key    string // TOML key, nested with "." (smtp.host)
	flag   string // --smtp-host
	help   string
	secret bool
	kind   reflect.Kind
	index  []int
}

func fields() []field {
	var out []field
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if sf.Tag.Get("file") == "only" {
				continue // structured settings come from the TOML file alone
			}
			key := prefix + sf.Tag.Get("toml")
			idx := append(append([]int(nil), index...), i)
			if sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeOf(time.Duration(0)) {
				walk(sf.Type, key+".", idx)
				continue
			}
			out = append(out, field{
				key:    key,
				flag:   strings.NewReplacer("_", "-", ".", "-").Replace(key),
				help:   sf.Tag.Get("help"),
				secret: sf.Tag.Get("secret") == "true",
				kind:   sf.Type.Kind(),
				index:  idx,
			})
		}
	}
	walk(reflect.TypeOf(Config{}), "", nil)
	return out
}

func (f field) set(c *Config, s string) error {
	v := reflect.ValueOf(c).Elem().FieldByIndex(f.index)
	switch {
	case v.Type() == reflect.TypeOf(time.Duration(0)):
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("not a duration (e.g. 1h, 30m): %q", s)
		}
		v.SetInt(int64(d))
	case f.kind == reflect.String:
		v.SetString(s)
	case f.kind == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("not a boolean: %q", s)
		}
		v.SetBool(b)
	case f.kind == reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("not a number: %q", s)
		}
		v.SetInt(int64(n))
	case f.kind == reflect.Slice:
		v.Set(reflect.ValueOf(splitList(s)))
	default:
		return fmt.Errorf("unsupported setting type %s", v.Type())
	}
	return nil
}

func (f field) get(c *Config) string {
	v := reflect.ValueOf(c).Elem().FieldByIndex(f.index)
	if v.Kind() == reflect.Slice {
		return strings.Join(v.Interface().([]string), ",")
	}
	return fmt.Sprint(v.Interface())
}
