// Package auth owns accounts and how people prove who they are: sign-up with e-mail and
// mobile verification, Argon2id passwords (stored as DESIGN.md §4 says: only a hash of a
// derived verifier), the account's HPKE key pair and its seals (under the password-derived
// KEK, under each recovery code, under each session secret), sessions and their rotation,
// TOTP two-factor login, recovery codes, SMS codes with velocity limits, step-up for
// sensitive actions, password reset, and throttling of failed attempts.
//
// Secrets handled here (session secrets, e-mail tokens, SMS codes, recovery codes, the
// unsealed private key) never reach the database, a log or a job: the database holds only
// keyed hashes and sealed values. Mail and SMS carrying a secret are handed to the relay or
// gateway during the request; a failure is reported to the caller, who can resend.
//
// It imports tenants (L1) and internal packages; it must not import mailbox, billing,
// organizer or internal/web. Its http*.go files (the JSON API and the account pages) use
// fiber, internal/web/request and the views; the rest knows nothing of HTTP.
package auth
