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
	api.Get("/sessions", h.requireSession(h.apiSessionList))
	api.Delete("/sessions/current", h.requireSession(h.apiSessionDelete))
	api.Delete("/sessions/:id", h.requireSession(h.apiSessionRevoke))
	api.Get("/me", h.requireSession(h.apiMeShow))
	api.Put("/me/locale", h.requireSession(h.apiLocaleUpdate))
	api.Post("/me/step-up", h.requireSession(h.apiStepUpCreate))
	api.Post("/me/totp", h.requireSession(h.apiTOTPBegin))
	api.Post("/me/totp/confirm", h.requireSession(h.apiTOTPConfirm))
	api.Delete("/me/totp", h.requireSession(h.apiTOTPDisable))
	api.Post("/me/recovery-codes", h.requireSession(h.apiRecoveryCodesRenew))
	api.Put("/me/backup-phone", h.requireSession(h.apiBackupPhoneUpdate))
	api.Post("/me/backup-phone/verify", h.requireSession(h.apiBackupPhoneVerify))
	api.Put("/me/password", h.requireSession(h.apiPasswordUpdate))
	api.Post("/password-reset", h.apiResetRequest)
	api.Post("/password-reset/code", h.apiResetCodeSend)
	api.Post("/password-reset/complete", h.apiResetComplete)

	r.Get("/", h.homeShow)
	r.Get("/signup", h.signupShow)
	r.Post("/signup", h.signupSubmit)
	r.Get("/verify", h.verifyShow)
	r.Post("/verify/mobile", h.mobileVerify)
	r.Post("/verify/resend-sms", h.mobileCodeResend)
	r.Post("/verify/resend-email", h.requireSession(h.verifyEmailResend))
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

	r.Get("/account", h.requireSession(h.profileShow))
	r.Post("/account/locale", h.requireSession(h.localeSubmit))
	r.Get("/account/security", h.requireSession(h.securityShow))
	r.Get("/account/step-up", h.requireSession(h.stepUpShow))
	r.Post("/account/step-up/sms", h.requireSession(h.stepUpSMSSend))
	r.Post("/account/step-up", h.requireSession(h.stepUpSubmit))
	r.Post("/account/totp/start", h.requireSession(h.totpStart))
	r.Get("/account/totp/setup", h.requireSession(h.totpSetupShow))
	r.Post("/account/totp/confirm", h.requireSession(h.totpConfirm))
	r.Post("/account/totp/disable", h.requireSession(h.totpDisable))
	r.Post("/account/recovery-codes", h.requireSession(h.recoveryCodesRenew))
	r.Get("/account/backup-phone", h.requireSession(h.backupPhoneShow))
	r.Post("/account/backup-phone", h.requireSession(h.backupPhoneSubmit))
	r.Post("/account/backup-phone/verify", h.requireSession(h.backupPhoneVerify))
	r.Get("/account/sessions", h.requireSession(h.sessionsShow))
	r.Post("/account/sessions/:id/revoke", h.requireSession(h.sessionRevoke))
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
