package i18n

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/securemailbox/securemailbox/internal/fault"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Languages()) < 2 {
		t.Fatalf("languages = %v, want en and sv at least", b.Languages())
	}
	en := b.keys[Default]
	for _, lang := range b.Languages() {
		other := b.keys[lang]
		var missing []string
		for k := range en {
			if !other[k] {
				missing = append(missing, lang+" lacks "+k)
			}
		}
		for k := range other {
			if !en[k] {
				missing = append(missing, "en lacks "+k)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("catalog gaps:\n%s", strings.Join(missing, "\n"))
		}
	}
}

func TestMatch(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"sv"}, "sv"},
		{[]string{"", "sv-SE,sv;q=0.9,en;q=0.8"}, "sv"},
		{[]string{"de-DE,de;q=0.9"}, "en"},
		{[]string{"xx", "en-GB"}, "en"},
		{nil, "en"},
		{[]string{"fr", "sv"}, "sv"},
	} {
		if got := b.Match(tc.in...); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPrinter(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	sv := b.Printer("sv")
	if got := sv.T("error.not_found"); !strings.Contains(got, "hitta") {
		t.Errorf("sv not_found = %q", got)
	}
	if got := sv.Money(123450); got != "1\u00a0234,50\u00a0€" {
		t.Errorf("sv money = %q", got)
	}
	if got := b.Printer("en").Money(-5); got != "−€0.05" {
		t.Errorf("en money = %q", got)
	}
	if got := b.Printer("en").Number(1234567); got != "1,234,567" {
		t.Errorf("en number = %q", got)
	}
	if got := sv.Date(time.Date(2026, 12, 1, 8, 5, 0, 0, time.UTC)); got != "2026-12-01 08:05 UTC" {
		t.Errorf("sv date = %q", got)
	}
	for d, want := range map[time.Duration]string{
		900 * time.Millisecond: "1\u00a0s", 45 * time.Second: "45\u00a0s", 61 * time.Second: "2\u00a0min", 90 * time.Minute: "2\u00a0tim",
	} {
		if got := sv.Duration(d); got != want {
			t.Errorf("sv duration %v = %q, want %q", d, got, want)
		}
	}
	if got := b.Printer("en").Duration(3 * time.Hour); got != "3\u00a0h" {
		t.Errorf("en duration = %q", got)
	}
	if got := sv.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
	wait := fault.ErrRateLimited.With(map[string]any{"Wait": "5 s"})
	if got := sv.Error(wait); !strings.Contains(got, "5 s") {
		t.Errorf("rate limited = %q", got)
	}
	// A fault that only knows its RetryAfter still says how long to wait, in the language.
	if got := sv.Error(fault.ErrRateLimited.After(90 * time.Second)); !strings.Contains(got, "2\u00a0min") || strings.Contains(got, "no value") {
		t.Errorf("rate limited from RetryAfter = %q", got)
	}
	if got := sv.Error(errors.New("secret detail")); strings.Contains(got, "secret") {
		t.Errorf("plain error leaked: %q", got)
	}
	ctx := WithPrinter(context.Background(), sv)
	if T(ctx, "error.forbidden") != sv.T("error.forbidden") {
		t.Error("context printer differs")
	}
}
