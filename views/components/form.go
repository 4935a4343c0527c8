package components

import (
	"net/url"
	"strings"

	"github.com/a-h/templ"
)

// Form carries what a handler gives back when a form must be shown again.
type Form struct {
	Values map[string]string // entered values to keep (never passwords or codes)
	Errors map[string]string // field name -> translated message, shown inline next to the field, aria-describedby, aria-invalid
	Error  string            // form-level translated error, shown at the top with role="alert"
}

// Value is the kept value of a field ("" when none).
func (f Form) Value(name string) string { return f.Values[name] }

// Err is the translated error of a field ("" when none).
func (f Form) Err(name string) string { return f.Errors[name] }

// Invalid reports whether the form has any error.
func (f Form) Invalid() bool { return f.Error != "" || len(f.Errors) > 0 }

// Field describes one input with its label. Label and Hint are translated text.
type Field struct {
	Name         string
	Label        string
	Hint         string
	Type         string // "text" when empty
	Autocomplete string
	InputMode    string
	Required     bool
	Secret       bool             // never render a value (passwords, codes)
	ID           string           // "f-" + Name when empty
	Value        string           // shown when the form keeps no value for the field
	Attrs        templ.Attributes // extra attributes such as minlength or spellcheck
}

func (fd Field) id() string {
	if fd.ID != "" {
		return fd.ID
	}
	return "f-" + strings.ReplaceAll(fd.Name, "_", "-")
}

func (fd Field) hintID() string  { return fd.id() + "-hint" }
func (fd Field) errorID() string { return fd.id() + "-error" }

func (fd Field) inputType() string {
	if fd.Type == "" {
		return "text"
	}
	return fd.Type
}

func (fd Field) value(f Form) string {
	if fd.Secret || fd.Type == "password" {
		return ""
	}
	if v, ok := f.Values[fd.Name]; ok {
		return v
	}
	return fd.Value
}

// describedBy lists the ids of the hint and the error, in reading order.
func (fd Field) describedBy(f Form) string {
	var ids []string
	if fd.Hint != "" {
		ids = append(ids, fd.hintID())
	}
	if f.Err(fd.Name) != "" {
		ids = append(ids, fd.errorID())
	}
	return strings.Join(ids, " ")
}

// inputAttrs are the optional attributes of an input, added only when set.
func (fd Field) inputAttrs(f Form) templ.Attributes {
	a := templ.Attributes{}
	for k, v := range fd.Attrs {
		a[k] = v
	}
	if fd.Autocomplete != "" {
		a["autocomplete"] = fd.Autocomplete
	}
	if fd.InputMode != "" {
		a["inputmode"] = fd.InputMode
	}
	if fd.Required {
		a["required"] = true
	}
	if d := fd.describedBy(f); d != "" {
		if extra, ok := a["aria-describedby"].(string); ok && extra != "" {
			d = extra + " " + d
		}
		a["aria-describedby"] = d
	}
	if f.Err(fd.Name) != "" {
		a["aria-invalid"] = "true"
	}
	return a
}

// Option is one choice of a Select. Lang marks an option written in another language.
type Option struct {
	Value string
	Label string
	Lang  string
}

func selected(f Form, fd Field, o Option) bool {
	v, ok := f.Values[fd.Name]
	if !ok {
		v = fd.Value
	}
	return v == o.Value
}

// Path builds a local URL around one dynamic path segment, which it escapes:
// Path("/account/sessions/", id, "/revoke"). The result still passes through templ.URL.
func Path(prefix, segment, suffix string) templ.SafeURL {
	return templ.URL(prefix + url.PathEscape(segment) + suffix)
}

// ImageURL returns a safe src for an image: a base64 data URI of a raster or SVG image
// (which browsers never run as script inside <img>), or any URL templ.URL accepts.
func ImageURL(s string) templ.SafeURL {
	for _, prefix := range []string{"data:image/png;base64,", "data:image/jpeg;base64,", "data:image/gif;base64,", "data:image/webp;base64,", "data:image/svg+xml;base64,"} {
		if strings.HasPrefix(s, prefix) && isBase64(s[len(prefix):]) {
			return templ.SafeURL(s)
		}
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "data:") {
		return templ.FailedSanitizationURL
	}
	return templ.URL(s)
}

func isBase64(s string) bool {
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/', c == '=':
		default:
			return false
		}
	}
	return s != ""
}
