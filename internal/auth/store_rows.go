package auth

import (
	"time"

	"github.com/uptrace/bun"
)

// Account is a person's login identity.
type Account struct {
	bun.BaseModel `bun:"table:accounts"`

	ID                    string     `bun:"id,pk"`
	Email                 string     `bun:"email"`
	EmailVerifiedAt       *time.Time `bun:"email_verified_at"`
	Name                  string     `bun:"name"`
	Mobile                string     `bun:"mobile"`
	MobileVerifiedAt      *time.Time `bun:"mobile_verified_at"`
	MobilePending         *string    `bun:"mobile_pending"`
	Locale                string     `bun:"locale"`
	PasswordRecord        string     `bun:"password_record"`
	PersonalTenantID      string     `bun:"personal_tenant_id"`
	TOTPSecretSealed      []byte     `bun:"totp_secret_sealed"`
	TOTPPendingSealed     []byte     `bun:"totp_pending_sealed"`
	TOTPEnabledAt         *time.Time `bun:"totp_enabled_at"`
	TOTPLastStep          int64      `bun:"totp_last_step"`
	BackupPhone           *string    `bun:"backup_phone"`
	BackupPhonePending    *string    `bun:"backup_phone_pending"`
	BackupPhoneVerifiedAt *time.Time `bun:"backup_phone_verified_at"`
	CreatedAt             time.Time  `bun:"created_at"`
	UpdatedAt             time.Time  `bun:"updated_at"`
}

// TOTPEnabled reports whether login needs a second factor.
func (a *Account) TOTPEnabled() bool { return a.TOTPEnabledAt != nil && len(a.TOTPSecretSealed) > 0 }

// VerifiedBackupPhone returns the backup phone once it is verified.
func (a *Account) VerifiedBackupPhone() string {
	if a.BackupPhone != nil && a.BackupPhoneVerifiedAt != nil {
		return *a.BackupPhone
	}
	return ""
}

// accountKey is one key pair of an account's keyring.
type accountKey struct {
	bun.BaseModel `bun:"table:account_keys"`

	ID           string    `bun:"id,pk"` // the public key's id
	AccountID    string    `bun:"account_id"`
	State        string    `bun:"state"` // current | old
	PublicKey    []byte    `bun:"public_key"`
	PublicKeyMAC []byte    `bun:"public_key_mac"`
	SealedKEK    []byte    `bun:"sealed_kek"` // private key sealed under the password KEK
	Wrapped      []byte    `bun:"wrapped"`    // old key wrapped to the current key, once recovered
	CreatedAt    time.Time `bun:"created_at"`
}

const (
	keyCurrent = "current"
	keyOld     = "old"
)

// recoveryCode seals a copy of the account private key under a key derived from the code.
type recoveryCode struct {
	bun.BaseModel `bun:"table:recovery_codes"`

	ID        string     `bun:"id,pk"`
	AccountID string     `bun:"account_id"`
	KeyID     string     `bun:"key_id"`
	Record    string     `bun:"record"`
	SealedKey []byte     `bun:"sealed_key"`
	UsedAt    *time.Time `bun:"used_at"`
	CreatedAt time.Time  `bun:"created_at"`
}

// sessionRow is a session as stored: a hash of its secret and the private key sealed under
// a key only the secret derives.
type sessionRow struct {
	bun.BaseModel `bun:"table:sessions"`

	ID          string     `bun:"id,pk"`
	AccountID   string     `bun:"account_id"`
	SecretHash  []byte     `bun:"secret_hash"`
	Stage       string     `bun:"stage"` // mfa | full
	KeyID       string     `bun:"key_id"`
	SealedKey   []byte     `bun:"sealed_key"`
	StepUpUntil *time.Time `bun:"step_up_until"`
	UserAgent   string     `bun:"user_agent"`
	IP          string     `bun:"ip"`
	CreatedAt   time.Time  `bun:"created_at"`
	AuthAt      time.Time  `bun:"auth_at"` // start of the login: the absolute timeout counts from here
	LastSeenAt  time.Time  `bun:"last_seen_at"`
	ExpiresAt   time.Time  `bun:"expires_at"`
}

const (
	stageMFA  = "mfa"
	stageFull = "full"
)

type emailToken struct {
	bun.BaseModel `bun:"table:email_tokens"`

	ID        string     `bun:"id,pk"`
	Purpose   string     `bun:"purpose"`
	AccountID string     `bun:"account_id"`
	Email     string     `bun:"email"`
	TokenHash []byte     `bun:"token_hash"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

type smsCode struct {
	bun.BaseModel `bun:"table:sms_codes"`

	ID        string     `bun:"id,pk"`
	Purpose   string     `bun:"purpose"`
	Object    string     `bun:"object"`
	Phone     string     `bun:"phone"`
	CodeHash  []byte     `bun:"code_hash"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

type smsSend struct {
	bun.BaseModel `bun:"table:sms_sends"`

	ID        string    `bun:"id,pk"`
	Phone     string    `bun:"phone"`
	Prefix    string    `bun:"prefix"`
	AccountID string    `bun:"account_id"`
	IP        string    `bun:"ip"`
	SentAt    time.Time `bun:"sent_at"`
}

type throttle struct {
	bun.BaseModel `bun:"table:throttles"`

	Key           string    `bun:"key,pk"`
	Failures      int       `bun:"failures"`
	LastFailureAt time.Time `bun:"last_failure_at"`
	BlockedUntil  time.Time `bun:"blocked_until"`
}
