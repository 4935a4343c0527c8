package auth

import "github.com/securemailbox/securemailbox/views/components"

// RecoveryCodesProps are the codes to show once and where to go after saving them.
type RecoveryCodesProps struct {
	Codes []string
	Next  string
}

// VerifyProps is the state of both verifications after sign-up.
type VerifyProps struct {
	Email          string
	EmailVerified  bool
	MobileMasked   string
	MobileVerified bool
	Form           components.Form
}

// MFAProps describes the second step of a login.
type MFAProps struct {
	HasTOTP           bool
	HasBackupPhone    bool
	BackupPhoneMasked string
	SMSSent           bool
	Form              components.Form
}

// ResetProps describes the password-reset form reached from the e-mail link.
type ResetProps struct {
	Token       string
	TOTPEnabled bool
	HasPhone    bool
	SMSSent     bool
	Form        components.Form
}
