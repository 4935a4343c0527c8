// Package mailbox owns messages, folders, recipients, send options, receipts, contacts and
// shared mailboxes. It must not import billing or internal/auth (siblings); what it needs from
// them it declares as small interfaces that cmd/securemailbox satisfies.
//
// Messaging is built by a later issue; this package holds no code yet.
package mailbox
