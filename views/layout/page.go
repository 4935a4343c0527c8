package layout

import (
	"context"

	"github.com/securemailbox/securemailbox/internal/i18n"
)

// ProductName is the one text that is not translated.
const ProductName = "SecureMailbox"

// Page is what every page needs from the request.
type Page struct {
	Title     string   // translated
	Lang      string   // "en" | "sv": <html lang=…>
	Languages []string // for the switcher
	Path      string   // current path, the switcher's `next`
	CSRF      string   // value for hidden field name="_csrf" in EVERY POST form
	User      *User    // nil when logged out
	Branding  Branding
	Flash     string // translated notice shown once at the top (role="status")
	Dev       bool   // dev mode: show a banner linking to /dev/outbox ("mail and SMS are captured here")
}

// User is the logged-in person, as the header shows them.
type User struct{ Name, Email string }

// Branding is a tenant's look; all fields are optional. StylesheetURL is an extra
// <link rel=stylesheet> after app.css, which may override the colour custom properties.
type Branding struct{ DisplayName, LogoURL, StylesheetURL string }

func (p Page) name() string {
	if p.Branding.DisplayName != "" {
		return p.Branding.DisplayName
	}
	return ProductName
}

func (p Page) documentTitle() string {
	if p.Title == "" {
		return p.name()
	}
	return p.Title + " · " + p.name()
}

func (p Page) lang(ctx context.Context) string {
	if p.Lang != "" {
		return p.Lang
	}
	return i18n.FromContext(ctx).Lang()
}

func (u *User) label() string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}

// LanguageName is a language's name in that language ("Svenska"), or the code itself when
// the catalogs do not name it.
func LanguageName(ctx context.Context, code string) string {
	p := i18n.FromContext(ctx)
	key := "language.name." + code
	if p.HasKey(key) {
		return p.T(key)
	}
	return code
}

// current reports whether path is the page's path, for aria-current.
func (p Page) current(path string) bool { return p.Path == path }
