package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Date formats t (in UTC) as a date and time in the printer's language.
func (p *Printer) Date(t time.Time) string {
	t = t.UTC()
	switch p.lang {
	case "sv":
		return t.Format("2006-01-02 15:04") + " UTC"
	default:
		return t.Format("2 Jan 2006, 15:04") + " UTC"
	}
}

// Duration formats a wait for people, rounded up to whole seconds, minutes or hours:
// "45 s", "3 min", "2 h" in English, "45 s", "3 min", "2 tim" in Swedish.
func (p *Printer) Duration(d time.Duration) string {
	hour := "h"
	if p.lang == "sv" {
		hour = "tim"
	}
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(math.Ceil(d.Seconds()))) + "\u00a0s"
	case d < time.Hour:
		return strconv.Itoa(int(math.Ceil(d.Minutes()))) + "\u00a0min"
	default:
		return strconv.Itoa(int(math.Ceil(d.Hours()))) + "\u00a0" + hour
	}
}

// Number formats n with the language's digit grouping.
func (p *Printer) Number(n int64) string {
	sep := ","
	if p.lang == "sv" {
		sep = "\u00a0" // Swedish groups with a (no-break) space
	}
	return group(n, sep)
}

// Money formats integer euro cents: "€1,234.50" in English, "1 234,50 €" in Swedish.
func (p *Printer) Money(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole, frac := cents/100, cents%100
	f := strconv.FormatInt(frac, 10)
	if frac < 10 {
		f = "0" + f
	}
	var s string
	if p.lang == "sv" {
		s = group(whole, "\u00a0") + "," + f + "\u00a0€"
	} else {
		s = "€" + group(whole, ",") + "." + f
	}
	if neg {
		s = "−" + s
	}
	return s
}

func group(n int64, sep string) string {
	neg := n < 0
	if neg {
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	if neg {
		b.WriteString("-")
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	return b.String()
}
