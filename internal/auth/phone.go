package auth

import (
	"net/mail"
	"strings"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// defaultRegion is the country assumed for numbers typed without a country code.
const defaultRegion = "SE"

// ParseMobile parses a phone number as a person types it and returns it in E.164.
// It accepts only numbers that can receive SMS (mobile, or fixed-or-mobile where a
// numbering plan does not tell them apart).
func ParseMobile(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 32 {
		return "", ErrInvalidMobile
	}
	n, err := phonenumbers.Parse(s, defaultRegion)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", ErrInvalidMobile
	}
	switch phonenumbers.GetNumberType(n) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE, phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOIP:
	default:
		return "", ErrInvalidMobile
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// MaskPhone shows enough of a number to recognise it: +46 ••• •• 45 67.
func MaskPhone(e164 string) string {
	if len(e164) < 6 {
		return "••••"
	}
	return e164[:3] + " ••• ••" + e164[len(e164)-4:len(e164)-2] + " " + e164[len(e164)-2:]
}

// phonePrefix groups numbers by country and operator range for velocity limits
// (SMS pumping targets premium ranges).
func phonePrefix(e164 string) string {
	if len(e164) > 6 {
		return e164[:6]
	}
	return e164
}

// NormalizeEmail checks an address and returns it in the form accounts are keyed on:
// NFKC, trimmed, with the domain lower-cased; the local part is lower-cased too, because
// people do not expect Anna@ and anna@ to be two accounts.
func NormalizeEmail(s string) (string, error) {
	s = norm.NFKC.String(strings.TrimSpace(s))
	if s == "" || len(s) > 254 || strings.ContainsAny(s, "\r\n<>\" ,;") {
		return "", ErrInvalidEmail
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", ErrInvalidEmail
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || !strings.Contains(s[at+1:], ".") {
		return "", ErrInvalidEmail
	}
	return strings.ToLower(s), nil
}
