// Package auth holds the pages of signing up and logging in: sign-up, the one-time display
// of recovery codes, e-mail and mobile verification, login with its second step, and the
// password reset, which warns in plain words before old messages become unreadable.
package auth
