package i18n

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/securemailbox/securemailbox/internal/fault"
)

//go:embed locales/*.toml
var catalogs embed.FS

// Default is the language used when nothing else matches.
const Default = "en"

// Bundle holds every catalog. It is immutable after New and safe for concurrent use.
type Bundle struct {
	bundle  *goi18n.Bundle
	langs   []string
	matcher language.Matcher
	keys    map[string]map[string]bool // lang -> message ids
}

// New loads the embedded catalogs.
func New() (*Bundle, error) {
	return load(catalogs)
}

func load(fsys fs.FS) (*Bundle, error) {
	b := &Bundle{bundle: goi18n.NewBundle(language.English), keys: map[string]map[string]bool{}}
	b.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(fsys, "locales/*.toml")
	if err != nil {
		return nil, fmt.Errorf("i18n: list catalogs: %w", err)
	}
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: read %s: %w", name, err)
		}
		mf, err := b.bundle.ParseMessageFileBytes(data, path.Base(name))
		if err != nil {
			return nil, fmt.Errorf("i18n: parse %s: %w", name, err)
		}
		lang := mf.Tag.String()
		if b.keys[lang] == nil {
			b.keys[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			if b.keys[lang][m.ID] {
				return nil, fmt.Errorf("i18n: %s: message %q defined twice", name, m.ID)
			}
			b.keys[lang][m.ID] = true
		}
	}
	tags := []language.Tag{language.English}
	b.langs = []string{Default}
	for lang := range b.keys {
		if lang != Default {
			tags = append(tags, language.MustParse(lang))
			b.langs = append(b.langs, lang)
		}
	}
	b.matcher = language.NewMatcher(tags)
	return b, nil
}

// Languages lists the supported language codes, the default first.
func (b *Bundle) Languages() []string { return append([]string(nil), b.langs...) }

// Supported reports whether lang is one of the bundle's languages.
func (b *Bundle) Supported(lang string) bool {
	for _, l := range b.langs {
		if l == lang {
			return true
		}
	}
	return false
}

// Match returns the first candidate that is supported. Candidates are tried in order (an
// explicit choice, the account's locale, then an Accept-Language header value); each may be
// a single code or a full Accept-Language header.
func (b *Bundle) Match(candidates ...string) string {
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if b.Supported(c) {
			return c
		}
		tags, _, err := language.ParseAcceptLanguage(c)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, idx, conf := b.matcher.Match(tags...)
		if conf > language.No {
			return b.langs[idx]
		}
	}
	return Default
}

// Printer returns a printer for lang (the default when lang is not supported).
func (b *Bundle) Printer(lang string) *Printer {
	if !b.Supported(lang) {
		lang = Default
	}
	return &Printer{lang: lang, loc: goi18n.NewLocalizer(b.bundle, lang), has: b.keys[lang]}
}

// Printer translates into one language.
type Printer struct {
	lang string
	loc  *goi18n.Localizer
	has  map[string]bool
}

// Lang is the printer's language code.
func (p *Printer) Lang() string { return p.lang }

// T translates key with optional template data. A missing key returns the key itself, so a
// gap is visible rather than blank; the catalog tests keep gaps from shipping.
func (p *Printer) T(key string, data ...map[string]any) string {
	var d map[string]any
	if len(data) > 0 {
		d = data[0]
	}
	s, err := p.loc.Localize(&goi18n.LocalizeConfig{MessageID: key, TemplateData: d})
	if err != nil {
		return key
	}
	return s
}

// N translates a plural message: count selects the plural form and is available as {{.Count}}.
func (p *Printer) N(key string, count int, data ...map[string]any) string {
	d := map[string]any{"Count": count}
	if len(data) > 0 {
		for k, v := range data[0] {
			d[k] = v
		}
	}
	s, err := p.loc.Localize(&goi18n.LocalizeConfig{MessageID: key, PluralCount: count, TemplateData: d})
	if err != nil {
		return key
	}
	return s
}

// Error returns the safe, translated text of err: the fault's message key for a *fault.Error,
// the generic internal-error text for anything else. It never returns err.Error().
//
// A fault with a RetryAfter gets its wait, worded in the printer's language, as {{.Wait}}
// unless it brings a Wait of its own.
func (p *Printer) Error(err error) string {
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Key == "" {
		return p.T(fault.ErrInternal.Key)
	}
	args := fe.Args
	if _, ok := args["Wait"]; !ok && fe.RetryAfter > 0 {
		args = map[string]any{"Wait": p.Duration(RoundWait(fe.RetryAfter))}
		for k, v := range fe.Args {
			args[k] = v
		}
	}
	return p.T(fe.Key, args)
}

// RoundWait rounds a wait up to whole seconds, at least one: what Retry-After says and
// what the message words.
func RoundWait(d time.Duration) time.Duration {
	return max(time.Second, time.Duration(math.Ceil(d.Seconds()))*time.Second)
}

// HasKey reports whether the printer's catalog defines key.
func (p *Printer) HasKey(key string) bool { return p.has[key] }

type ctxKey struct{}

// WithPrinter returns a context that carries p, for templ components.
func WithPrinter(ctx context.Context, p *Printer) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the context's printer. Without one it panics: a page rendered without
// a language is a wiring bug that tests must catch, not a state to paper over.
func FromContext(ctx context.Context) *Printer {
	p, ok := ctx.Value(ctxKey{}).(*Printer)
	if !ok {
		panic("i18n: no printer in context")
	}
	return p
}

// T is shorthand for FromContext(ctx).T, for templates.
func T(ctx context.Context, key string, data ...map[string]any) string {
	return FromContext(ctx).T(key, data...)
}
