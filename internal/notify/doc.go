// Package notify hands e-mail and SMS to the outside world: an SMTP mailer (go-mail), an
// HTTP SMS gateway in the style of 46elks (form POST with basic auth), and an in-memory dev
// outbox that stands in for both in dev mode and in tests.
//
// Main types: Email and Mailer, SMS and SMSSender, SMTP, Gateway, Outbox.
//
// Every sender validates before it talks to anyone: addresses and names cannot carry CR or LF
// (so no caller can add a header), phone numbers must be E.164, and empty texts are refused.
// Nothing is sent when validation fails. Messages may carry secrets (verification links,
// codes) or content (a subject), so errors never contain a subject, a body or credentials, and
// the dev outbox lives only in memory. Mail that carries a secret is composed and sent during
// the request that produced it; the relay is the durable queue, not a job.
//
// Composing texts (templates, branding, translation) is the caller's job; this package only
// delivers them. It knows no domain and imports no domain package, no bun, no fiber and no
// config: it receives its Options from the wiring in cmd.
package notify
