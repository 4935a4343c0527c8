// Package billing owns plans, the prepaid credit ledger, Stripe top-ups and webhooks, and
// usage charges. It is the only package that imports stripe-go. It must not import mailbox
// or internal/auth.
//
// Billing is built by a later issue; this package holds no code yet.
package billing
