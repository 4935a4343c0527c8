// Package account holds the account settings: the profile with the language choice, ID
// control (authenticator app, recovery codes, backup phone), setting up the authenticator
// app, the backup phone, the step-up check before sensitive actions, and the list of
// sessions with a way to end each.
package account
