// Package dev holds the pages that exist only in dev mode: the outbox where e-mail and SMS
// are captured instead of sent.
package dev
