package account

import "github.com/securemailbox/securemailbox/views/components"

// ProfileProps is what the profile page shows.
type ProfileProps struct {
	Name           string
	Email          string
	EmailVerified  bool
	Mobile         string
	MobileVerified bool
	Locale         string
	Languages      []string
}

// SecurityProps is the state of the account's second factors.
type SecurityProps struct {
	TOTPEnabled         bool
	RecoveryCodesLeft   int
	BackupPhone         string
	BackupPhoneVerified bool
	LockedKeys          int             // older key pairs still locked since a password reset
	RecoverForm         components.Form // the form that opens them with an old recovery code
}

// StepUpProps describes the "Confirm it's you" check before a sensitive action; Next is
// where to continue afterwards.
type StepUpProps struct {
	Next         string
	HasTOTP      bool
	SMSSent      bool
	MobileMasked string
	Form         components.Form
}

// TOTPProps carries a new authenticator secret: a data:image/png;base64 QR code and the
// same secret as base32 text.
type TOTPProps struct {
	QRDataURI string
	Secret    string
	Form      components.Form
}

// BackupPhoneProps is the current backup phone and whether a new number awaits its code.
type BackupPhoneProps struct {
	Current string
	Pending bool
	Form    components.Form
}

// SessionRow is one session of the account, with display strings prepared by the handler.
type SessionRow struct {
	ID       string
	Device   string
	Created  string
	LastSeen string
	Current  bool
}

// EmailProps is the account's current address and the form for a new one.
type EmailProps struct {
	Current string
	Form    components.Form
}

// MobileProps is the account's current mobile number and the form for a new one. Sent
// means a code went to the new number (PendingMasked, masked) and the page takes it.
type MobileProps struct {
	Current       string
	Sent          bool
	PendingMasked string
	Form          components.Form
}
