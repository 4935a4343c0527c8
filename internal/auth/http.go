package auth

import (
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	errorview "github.com/securemailbox/securemailbox/views/errors"
	"github.com/securemailbox/securemailbox/views/layout"
)

// HTTPOptions configure the web pages of accounts and authentication.
type HTTPOptions struct {
	Dev      bool            // dev mode: pages show the banner that links to the outbox
	Branding layout.Branding // the look of the pages; zero is the product's own
}

// HTTP is the accounts-and-authentication area of the web server: the JSON API under
// /api/v1 and the HTML pages, plus the session middleware every later area relies on.
type HTTP struct {
	svc  *Service
	opts HTTPOptions
}

// NewHTTP returns the area for svc.
func NewHTTP(svc *Service, opts HTTPOptions) *HTTP {
	return &HTTP{svc: svc, opts: opts}
}

// Mount installs the session middleware and the routes. Mount this area before the others:
// the middleware runs for every route registered after it, so their handlers can see the
// session too.
func (h *HTTP) Mount(r fiber.Router) {
	r.Use(h.authenticate)

	api := r.Group("/api/v1")
	api.Post("/accounts", h.apiAccountCreate)
	api.Post("/accounts/verify-email", h.apiEmailVerify)
	api.Post("/accounts/verify-mobile", h.apiMobileVerify)
	api.Post("/sessions", h.apiSessionCreate)
	api.Post("/sessions/mfa", h.apiMFAComplete)
	api.Get("/sessions", h.RequireSession(h.apiSessionList))
	api.Delete("/sessions/current", h.RequireSession(h.apiSessionDelete))
	api.Delete("/sessions/:id", h.RequireSession(h.apiSessionRevoke))
	api.Get("/me", h.RequireSession(h.apiMeShow))
	api.Put("/me/locale", h.RequireSession(h.apiLocaleUpdate))
	api.Post("/me/step-up", h.RequireSession(h.apiStepUpCreate))
	api.Post("/me/totp", h.RequireSession(h.apiTOTPBegin))
	api.Post("/me/totp/confirm", h.RequireSession(h.apiTOTPConfirm))
	api.Delete("/me/totp", h.RequireSession(h.apiTOTPDisable))
	api.Post("/me/recovery-codes", h.RequireSession(h.apiRecoveryCodesRenew))
	api.Post("/me/keys/recover", h.RequireSession(h.apiOldKeyRecover))
	api.Put("/me/backup-phone", h.RequireSession(h.apiBackupPhoneUpdate))
	api.Post("/me/backup-phone/verify", h.RequireSession(h.apiBackupPhoneVerify))
	api.Put("/me/password", h.RequireSession(h.apiPasswordUpdate))
	api.Put("/me/email", h.RequireSession(h.apiEmailUpdate))
	api.Put("/me/mobile", h.RequireSession(h.apiMobileUpdate))
	api.Post("/me/mobile/verify", h.RequireSession(h.apiMobileChangeVerify))
	api.Post("/password-reset", h.apiResetRequest)
	api.Post("/password-reset/code", h.apiResetCodeSend)
	api.Post("/password-reset/complete", h.apiResetComplete)

	r.Get("/", h.homeShow)
	r.Get("/signup", h.signupShow)
	r.Post("/signup", h.signupSubmit)
	r.Get("/verify", h.verifyShow)
	r.Post("/verify/mobile", h.mobileVerify)
	r.Post("/verify/resend-sms", h.mobileCodeResend)
	r.Post("/verify/resend-email", h.RequireSession(h.verifyEmailResend))
	r.Get("/verify/email/:token", h.emailConfirmShow)
	r.Post("/verify/email", h.emailVerify)
	r.Get("/login", h.loginShow)
	r.Post("/login", h.loginSubmit)
	r.Get("/login/mfa", h.mfaShow)
	r.Post("/login/mfa", h.mfaSubmit)
	r.Post("/login/mfa/sms", h.mfaSMSSend)
	r.Post("/logout", h.logoutSubmit)
	r.Get("/password-reset", h.resetRequestShow)
	r.Post("/password-reset", h.resetRequestSubmit)
	r.Get("/password-reset/:token", h.resetShow)
	r.Post("/password-reset/:token/code", h.resetCodeSend)
	r.Post("/password-reset/:token", h.resetSubmit)

	r.Get("/account", h.RequireSession(h.profileShow))
	r.Post("/account/locale", h.RequireSession(h.localeSubmit))
	r.Get("/account/security", h.RequireSession(h.securityShow))
	r.Get("/account/password", h.RequireSession(h.passwordShow))
	r.Post("/account/password", h.RequireSession(h.passwordSubmit))
	r.Get("/account/email", h.RequireSession(h.emailChangeShow))
	r.Post("/account/email", h.RequireSession(h.emailChangeSubmit))
	r.Get("/account/mobile", h.RequireSession(h.mobileChangeShow))
	r.Post("/account/mobile", h.RequireSession(h.mobileChangeSubmit))
	r.Post("/account/mobile/verify", h.RequireSession(h.mobileChangeVerify))
	r.Get("/account/step-up", h.RequireSession(h.stepUpShow))
	r.Post("/account/step-up/sms", h.RequireSession(h.stepUpSMSSend))
	r.Post("/account/step-up", h.RequireSession(h.stepUpSubmit))
	r.Post("/account/totp/start", h.RequireSession(h.totpStart))
	r.Get("/account/totp/setup", h.RequireSession(h.totpSetupShow))
	r.Post("/account/totp/confirm", h.RequireSession(h.totpConfirm))
	r.Post("/account/totp/disable", h.RequireSession(h.totpDisable))
	r.Post("/account/recovery-codes", h.RequireSession(h.recoveryCodesRenew))
	r.Post("/account/keys/recover", h.RequireSession(h.oldKeysRecover))
	r.Get("/account/backup-phone", h.RequireSession(h.backupPhoneShow))
	r.Post("/account/backup-phone", h.RequireSession(h.backupPhoneSubmit))
	r.Post("/account/backup-phone/verify", h.RequireSession(h.backupPhoneVerify))
	r.Get("/account/sessions", h.RequireSession(h.sessionsShow))
	r.Post("/account/sessions/:id/revoke", h.RequireSession(h.sessionRevoke))
}

// AccountLocale is the logged-in account's locale, or "" (web.Deps.AccountLocale). The web
// layer puts it after the visitor's explicit language choice and before Accept-Language.
func (h *HTTP) AccountLocale(c *fiber.Ctx) string {
	if s := SessionFrom(c); s != nil {
		return s.Account.Locale
	}
	return ""
}

// Page builds the props every page's shell needs from the request, and takes the pending
// flash notice (it shows once). titleKey names a "title.<titleKey>" catalog entry.
func (h *HTTP) Page(c *fiber.Ctx, titleKey string) layout.Page {
	p := h.shell(c, titleKey)
	p.Flash = request.Flash(c)
	return p
}

// ErrorPage renders the error page inside the site's shell (web.Deps.ErrorPage). It leaves
// a pending flash notice for the next ordinary page.
func (h *HTTP) ErrorPage(c *fiber.Ctx, status int, message, requestID string) templ.Component {
	return errorview.Page(h.shell(c, "error"), errorview.Props{Status: status, Message: message, RequestID: requestID})
}

func (h *HTTP) shell(c *fiber.Ctx, titleKey string) layout.Page {
	pr := request.Printer(c)
	var title string
	if key := "title." + titleKey; pr.HasKey(key) {
		title = pr.T(key)
	}
	var user *layout.User
	if s := SessionFrom(c); s != nil {
		user = &layout.User{Name: s.Account.Name, Email: s.Account.Email}
	}
	return layout.Page{
		Title:     title,
		Lang:      pr.Lang(),
		Languages: h.svc.i18n.Languages(),
		Path:      strings.Clone(c.Path()),
		CSRF:      request.CSRF(c),
		User:      user,
		Branding:  h.opts.Branding,
		Dev:       h.opts.Dev,
	}
}
