package auth

import "github.com/securemailbox/securemailbox/internal/fault"

// Errors callers branch on. Wrong, expired and used codes get the same answer.
var (
	ErrInvalidCredentials = fault.New(fault.Unauthenticated, "invalid_credentials", "auth.error.invalid_credentials")
	ErrMFARequired        = fault.New(fault.Unauthenticated, "mfa_required", "auth.error.mfa_required")
	ErrUnauthenticated    = fault.New(fault.Unauthenticated, "unauthenticated", "error.unauthenticated")
	ErrInvalidCode        = fault.New(fault.Invalid, "invalid_code", "auth.error.invalid_code")
	ErrInvalidToken       = fault.New(fault.Invalid, "invalid_token", "auth.error.invalid_token")
	ErrWeakPassword       = fault.New(fault.Invalid, "weak_password", "auth.error.weak_password")
	ErrPasswordTooShort   = fault.New(fault.Invalid, "weak_password", "auth.error.password_too_short")
	ErrPasswordTooLong    = fault.New(fault.Invalid, "weak_password", "auth.error.password_too_long")
	ErrInvalidEmail       = fault.New(fault.Invalid, "invalid_request", "auth.error.invalid_email")
	ErrInvalidMobile      = fault.New(fault.Invalid, "invalid_request", "auth.error.invalid_mobile")
	ErrInvalidName        = fault.New(fault.Invalid, "invalid_request", "auth.error.invalid_name")
	ErrStepUpRequired     = fault.New(fault.Forbidden, "step_up_required", "auth.error.step_up_required")
	ErrKeysWillBeLost     = fault.New(fault.Conflict, "keys_will_be_lost", "auth.error.keys_will_be_lost")
	ErrTOTPAlreadyOn      = fault.New(fault.Conflict, "totp_enabled", "auth.error.totp_enabled")
	ErrTOTPNotStarted     = fault.New(fault.Conflict, "totp_not_started", "auth.error.totp_not_started")
	ErrNoPhone            = fault.New(fault.Conflict, "no_phone", "auth.error.no_phone")
	ErrSMSRateLimited     = fault.New(fault.RateLimited, "rate_limited", "auth.error.sms_rate_limited")
	ErrTooManyAttempts    = fault.New(fault.RateLimited, "rate_limited", "auth.error.too_many_attempts")
	ErrLocked             = fault.New(fault.RateLimited, "rate_limited", "auth.error.locked")
	ErrDelivery           = fault.New(fault.Unavailable, "delivery_failed", "auth.error.delivery_failed")
	ErrSecondFactor       = fault.New(fault.Invalid, "invalid_code", "auth.error.second_factor_required")
	ErrNotFound           = fault.ErrNotFound
	ErrInvalidLocale      = fault.New(fault.Invalid, "invalid_request", "auth.error.invalid_locale")
)
