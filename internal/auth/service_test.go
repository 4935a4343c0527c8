package auth

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/audit"
	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/internal/i18n"
	"github.com/securemailbox/securemailbox/internal/keys"
	"github.com/securemailbox/securemailbox/internal/notify"
	"github.com/securemailbox/securemailbox/internal/testkit"
	"github.com/securemailbox/securemailbox/tenants"
)

// countingSMS counts gateway calls, so tests can prove limits stop before the gateway.
type countingSMS struct {
	next  notify.SMSSender
	calls atomic.Int64
}

func (c *countingSMS) SendSMS(ctx context.Context, m notify.SMS) error {
	c.calls.Add(1)
	return c.next.SendSMS(ctx, m)
}

type harness struct {
	t      *testing.T
	db     *bun.DB
	svc    *Service
	clock  *testkit.Clock
	outbox *notify.Outbox
	sms    *countingSMS
	logs   *bytes.Buffer
	master *keys.MasterKeyring
}

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, bdb *bun.DB) *harness {
	t.Helper()
	clock := testkit.NewClock(t0)
	outbox := notify.NewOutbox(clock.Now)
	master, err := keys.GenerateMasterKeyring()
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(&syncWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sms := &countingSMS{next: outbox}
	svc := New(Options{BaseURL: "http://127.0.0.1:8080", Now: clock.Now, Logger: logger}, Deps{
		DB: bdb, Master: master, Hasher: keys.NewHasher(keys.TestKDFParams(), 4),
		Mailer: outbox, SMS: sms,
		Tenants: tenants.New(tenants.NewBunStore(bdb), tenants.Options{DefaultRegion: "se", Now: clock.Now}),
		Audit:   audit.NewStore(bdb), I18n: bundle,
	})
	return &harness{t: t, db: bdb, svc: svc, clock: clock, outbox: outbox, sms: sms, logs: logs, master: master}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

var client = Client{IP: "192.0.2.10", UserAgent: "test", Lang: "en"}

var (
	codeRE  = regexp.MustCompile(`\b(\d{6})\b`)
	tokenRE = regexp.MustCompile(`/(?:verify/email|password-reset)/([A-Za-z0-9_-]{43})`)
)

// lastSMSCode returns the code of the newest SMS to phone.
func (h *harness) lastSMSCode(phone string) string {
	h.t.Helper()
	for _, it := range h.outbox.List(phone) {
		if it.Channel == "sms" {
			if m := codeRE.FindStringSubmatch(it.Body); m != nil {
				return m[1]
			}
		}
	}
	h.t.Fatalf("no SMS code to %s", phone)
	return ""
}

// lastLinkToken returns the token of the newest e-mailed link to addr.
func (h *harness) lastLinkToken(addr string) string {
	h.t.Helper()
	for _, it := range h.outbox.List(addr) {
		if m := tokenRE.FindStringSubmatch(it.Body); m != nil {
			return m[1]
		}
	}
	h.t.Fatalf("no link mailed to %s", addr)
	return ""
}

type user struct {
	id, email, mobile, password string
	codes                       []string
}

func (h *harness) signUp(name, mobile string) user {
	h.t.Helper()
	u := user{email: testkit.Name(name) + "@example.com", mobile: mobile, password: "correct battery horse staple " + name}
	res, err := h.svc.SignUp(context.Background(), SignUpInput{Email: u.email, Password: u.password, Mobile: mobile, Name: name, Locale: "en"}, client)
	if err != nil {
		h.t.Fatalf("sign up: %v", err)
	}
	if !res.EmailSent || !res.SMSSent {
		h.t.Fatalf("sign up deliveries: %+v", res)
	}
	u.id, u.codes = res.AccountID, res.RecoveryCodes
	return u
}

func (h *harness) login(u user) (Issued, *Session) {
	h.t.Helper()
	iss, err := h.svc.Login(context.Background(), u.email, u.password, client)
	if err != nil {
		h.t.Fatalf("login: %v", err)
	}
	if iss.MFARequired {
		return iss, nil
	}
	sess, err := h.svc.Authenticate(context.Background(), iss.Token)
	if err != nil {
		h.t.Fatalf("authenticate: %v", err)
	}
	return iss, sess
}

func (h *harness) stepUp(sess *Session, phone string) (Issued, *Session) {
	h.t.Helper()
	ctx := context.Background()
	if err := h.svc.StartStepUp(ctx, sess, client); err != nil {
		h.t.Fatalf("start step-up: %v", err)
	}
	iss, err := h.svc.StepUp(ctx, sess, h.lastSMSCode(phone), client)
	if err != nil {
		h.t.Fatalf("step-up: %v", err)
	}
	ns, err := h.svc.Authenticate(ctx, iss.Token)
	if err != nil {
		h.t.Fatalf("authenticate after step-up: %v", err)
	}
	return iss, ns
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

func TestSignUpVerifyLogin(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		h := newHarness(t, bdb)
		ctx := context.Background()
		u := h.signUp("Anna", "+46701234561")
		if len(u.codes) != RecoveryCodeCount {
			t.Fatalf("recovery codes = %d", len(u.codes))
		}
		for _, c := range u.codes {
			id, secret, _ := strings.Cut(c, "-")
			if id == "" || len(strings.ReplaceAll(secret, "-", "")) < 20 { // 20 base32 chars = 100 bits
				t.Errorf("recovery code %q too weak", c)
			}
		}
		// Wrong code first: refused, changes nothing.
		wantErr(t, h.svc.VerifyMobile(ctx, u.id, "000000", client), ErrInvalidCode)
		if err := h.svc.VerifyMobile(ctx, u.id, h.lastSMSCode(u.mobile), client); err != nil {
			t.Fatal(err)
		}
		// Single use.
		wantErr(t, h.svc.VerifyMobile(ctx, u.id, h.lastSMSCode(u.mobile), client), ErrInvalidCode)
		tok := h.lastLinkToken(u.email)
		if err := h.svc.VerifyEmail(ctx, tok, client); err != nil {
			t.Fatal(err)
		}
		wantErr(t, h.svc.VerifyEmail(ctx, tok, client), ErrInvalidToken)
		_, sess := h.login(u)
		p, err := h.svc.Me(ctx, sess)
		if err != nil {
			t.Fatal(err)
		}
		if p.Account.EmailVerifiedAt == nil || p.Account.MobileVerifiedAt == nil || p.RecoveryCodesLeft != 10 {
			t.Errorf("profile %+v", p)
		}
		if len(p.Memberships) != 1 || p.Memberships[0].Role != tenants.RoleOwner || p.Memberships[0].TenantID != p.Account.PersonalTenantID {
			t.Errorf("memberships %+v", p.Memberships)
		}
		priv, err := h.svc.PrivateKey(sess)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := h.svc.PublicKey(ctx, sess.Account)
		if err != nil || !pub.Equal(priv.Public()) {
			t.Fatalf("public key %v", err)
		}
	})
}

func TestSignUpValidation(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	for _, tc := range []struct {
		name  string
		in    SignUpInput
		field string
		want  error
	}{
		{"short", SignUpInput{Email: "a@example.com", Password: "short", Mobile: "+46701234567", Name: "A"}, "password", ErrPasswordTooShort},
		{"short in code points", SignUpInput{Email: "a@example.com", Password: "ääääääbbbbb", Mobile: "+46701234567", Name: "A"}, "password", ErrPasswordTooShort},
		{"common", SignUpInput{Email: "a@example.com", Password: "Password1234", Mobile: "+46701234567", Name: "A"}, "password", ErrWeakPassword},
		{"too long", SignUpInput{Email: "a@example.com", Password: strings.Repeat("ab c", 300), Mobile: "+46701234567", Name: "A"}, "password", ErrPasswordTooLong},
		{"email", SignUpInput{Email: "not-an-address", Password: "a fine long passphrase", Mobile: "+46701234567", Name: "A"}, "email", ErrInvalidEmail},
		{"header injection", SignUpInput{Email: "a@example.com\r\nBcc: x@example.com", Password: "a fine long passphrase", Mobile: "+46701234567", Name: "A"}, "email", ErrInvalidEmail},
		{"landline", SignUpInput{Email: "a@example.com", Password: "a fine long passphrase", Mobile: "+46812345678", Name: "A"}, "mobile", ErrInvalidMobile},
		{"name", SignUpInput{Email: "a@example.com", Password: "a fine long passphrase", Mobile: "+46701234567", Name: " "}, "name", ErrInvalidName},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.svc.SignUp(context.Background(), tc.in, client)
			wantErr(t, err, tc.want)
			fe, _ := fault.As(err)
			found := false
			for _, d := range fe.Details {
				found = found || d.Field == tc.field
			}
			if !found {
				t.Errorf("details %+v lack field %s", fe.Details, tc.field)
			}
		})
	}
	var n int
	if err := bdb.NewSelect().Table("accounts").ColumnExpr("count(*)").Scan(context.Background(), &n); err != nil || n != 0 {
		t.Errorf("accounts after bad input = %d, %v", n, err)
	}
	if got, _ := ParseMobile("070-123 45 67"); got != "+46701234567" {
		t.Errorf("ParseMobile national = %q", got)
	}
}

func TestSignUpExistingAddressLooksTheSame(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	u := h.signUp("Bo", "+46701234562")
	res, err := h.svc.SignUp(ctx, SignUpInput{Email: strings.ToUpper(u.email), Password: "another long passphrase", Mobile: "+46701234563", Name: "Eve"}, client)
	if err != nil {
		t.Fatal(err)
	}
	if res.AccountID == u.id || len(res.RecoveryCodes) != RecoveryCodeCount || !res.EmailSent || !res.SMSSent {
		t.Fatalf("ghost result %+v", res)
	}
	// The ghost's verify page, resend and code behave like a real sign-up's.
	real, _ := h.svc.SignUp(ctx, SignUpInput{Email: testkit.Name("real") + "@example.com", Password: "another long passphrase", Mobile: "+46701234585", Name: "Real"}, client)
	for _, id := range []string{res.AccountID, real.AccountID} {
		st, err := h.svc.Verification(ctx, id)
		if err != nil || st.MobileMasked == "" || st.MobileVerified {
			t.Fatalf("verify page of %s: %+v %v", id, st, err)
		}
	}
	before := h.sms.calls.Load()
	if err := h.svc.ResendMobileCode(ctx, res.AccountID, client); err != nil || h.sms.calls.Load() != before+1 {
		t.Fatalf("ghost resend: %v, calls %d", err, h.sms.calls.Load()-before)
	}
	if err := h.svc.VerifyMobile(ctx, res.AccountID, h.lastSMSCode("+46701234563"), client); err != nil {
		t.Fatalf("ghost verify: %v", err)
	}
	if st, _ := h.svc.Verification(ctx, res.AccountID); !st.MobileVerified {
		t.Fatal("the ghost's mobile does not show as verified")
	}
	// The owner is told; the account is unchanged and still logs in with the old password.
	mails := h.outbox.List(u.email)
	if len(mails) < 2 || !strings.Contains(mails[0].Subject, "tried to create") {
		t.Errorf("owner not told: %+v", mails)
	}
	h.login(u)
	if _, err := h.svc.Login(ctx, u.email, "another long passphrase", client); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("ghost password works: %v", err)
	}
}

// RFC 6238 Appendix B: the library we use computes the published values for SHA-1,
// SHA-256 and SHA-512, each with its own seed, 8 digits, 30 s steps.
func TestTOTPRFC6238Vectors(t *testing.T) {
	seeds := map[otp.Algorithm]string{
		otp.AlgorithmSHA1:   "12345678901234567890",
		otp.AlgorithmSHA256: "12345678901234567890123456789012",
		otp.AlgorithmSHA512: "1234567890123456789012345678901234567890123456789012345678901234",
	}
	vectors := []struct {
		unix int64
		want map[otp.Algorithm]string
	}{
		{59, map[otp.Algorithm]string{otp.AlgorithmSHA1: "94287082", otp.AlgorithmSHA256: "46119246", otp.AlgorithmSHA512: "90693936"}},
		{1111111109, map[otp.Algorithm]string{otp.AlgorithmSHA1: "07081804", otp.AlgorithmSHA256: "68084774", otp.AlgorithmSHA512: "25091201"}},
		{1111111111, map[otp.Algorithm]string{otp.AlgorithmSHA1: "14050471", otp.AlgorithmSHA256: "67062674", otp.AlgorithmSHA512: "99943326"}},
		{1234567890, map[otp.Algorithm]string{otp.AlgorithmSHA1: "89005924", otp.AlgorithmSHA256: "91819424", otp.AlgorithmSHA512: "93441116"}},
		{2000000000, map[otp.Algorithm]string{otp.AlgorithmSHA1: "69279037", otp.AlgorithmSHA256: "90698825", otp.AlgorithmSHA512: "38618901"}},
		{20000000000, map[otp.Algorithm]string{otp.AlgorithmSHA1: "65353130", otp.AlgorithmSHA256: "77737706", otp.AlgorithmSHA512: "47863826"}},
	}
	for _, v := range vectors {
		for alg, want := range v.want {
			secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(seeds[alg]))
			got, err := totp.GenerateCodeCustom(secret, time.Unix(v.unix, 0).UTC(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsEight, Algorithm: alg})
			if err != nil || got != want {
				t.Errorf("T=%d %v: got %s (%v), want %s", v.unix, alg, got, err, want)
			}
		}
	}
}

func TestTOTPReplaySkewAndSetup(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		h := newHarness(t, bdb)
		ctx := context.Background()
		u := h.signUp("Cecilia", "+46701234564")
		_, sess := h.login(u)
		_, err := h.svc.BeginTOTP(ctx, sess)
		wantErr(t, err, ErrStepUpRequired)
		_, sess = h.stepUp(sess, u.mobile)
		setup, err := h.svc.BeginTOTP(ctx, sess)
		if err != nil {
			t.Fatal(err)
		}
		if len(setup.QRPNG) < 100 || !strings.HasPrefix(setup.URL, "otpauth://totp/") || len(setup.Secret) != 32 {
			t.Fatalf("setup %q %q", setup.URL, setup.Secret)
		}
		code := func(at time.Time) string {
			c, err := totp.GenerateCode(setup.Secret, at)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		_, err = h.svc.ConfirmTOTP(ctx, sess, "123456x", client)
		wantErr(t, err, ErrInvalidCode)
		codes, err := h.svc.ConfirmTOTP(ctx, sess, code(h.clock.Now()), client)
		if err != nil || len(codes) != RecoveryCodeCount {
			t.Fatalf("confirm: %v %d", err, len(codes))
		}
		// The sign-up codes stopped working; the new ones work.
		u.codes = codes
		h.clock.Advance(30 * time.Second)

		iss, _ := h.login(u)
		if !iss.MFARequired {
			t.Fatal("login does not ask for the second factor")
		}
		// The MFA token is not a session.
		_, err = h.svc.Authenticate(ctx, iss.Token)
		wantErr(t, err, ErrMFARequired)
		c := code(h.clock.Now())
		full, err := h.svc.CompleteMFA(ctx, iss.Token, MFAInput{Code: c}, client)
		if err != nil {
			t.Fatal(err)
		}
		// Old token dead after the stage change (session fixation).
		_, err = h.svc.CompleteMFA(ctx, iss.Token, MFAInput{Code: c}, client)
		wantErr(t, err, ErrUnauthenticated)
		if _, err := h.svc.Authenticate(ctx, full.Token); err != nil {
			t.Fatal(err)
		}
		// Replay of the same code at a new login: refused.
		iss2, _ := h.login(u)
		_, err = h.svc.CompleteMFA(ctx, iss2.Token, MFAInput{Code: c}, client)
		wantErr(t, err, ErrInvalidCode)
		// One step of skew either way is accepted; two are not.
		h.clock.Advance(90 * time.Second)
		if _, err := h.svc.CompleteMFA(ctx, iss2.Token, MFAInput{Code: code(h.clock.Now().Add(-30 * time.Second))}, client); err != nil {
			t.Fatalf("skew -1: %v", err)
		}
		h.clock.Advance(90 * time.Second)
		iss3, _ := h.login(u)
		_, err = h.svc.CompleteMFA(ctx, iss3.Token, MFAInput{Code: code(h.clock.Now().Add(-60 * time.Second))}, client)
		wantErr(t, err, ErrInvalidCode)
		if _, err := h.svc.CompleteMFA(ctx, iss3.Token, MFAInput{Code: code(h.clock.Now().Add(30 * time.Second))}, client); err != nil {
			t.Fatalf("skew +1: %v", err)
		}
		// A recovery code works once.
		iss4, _ := h.login(u)
		if _, err := h.svc.CompleteMFA(ctx, iss4.Token, MFAInput{RecoveryCode: strings.ToUpper(codes[3])}, client); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		iss5, _ := h.login(u)
		_, err = h.svc.CompleteMFA(ctx, iss5.Token, MFAInput{RecoveryCode: codes[3]}, client)
		wantErr(t, err, ErrInvalidCode)
		if got := h.outbox.List(u.email)[0].Subject; !strings.Contains(got, "recovery code was used") {
			t.Errorf("no notice of recovery-code use: %q", got)
		}
	})
}

// Two concurrent logins with one TOTP code: exactly one wins.
func TestTOTPConcurrentUseOnce(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		h := newHarness(t, bdb)
		ctx := context.Background()
		u := h.signUp("Dan", "+46701234565")
		_, sess := h.login(u)
		_, sess = h.stepUp(sess, u.mobile)
		setup, err := h.svc.BeginTOTP(ctx, sess)
		if err != nil {
			t.Fatal(err)
		}
		c0, _ := totp.GenerateCode(setup.Secret, h.clock.Now())
		if _, err := h.svc.ConfirmTOTP(ctx, sess, c0, client); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(30 * time.Second)
		a, _ := h.login(u)
		b, _ := h.login(u)
		c, _ := totp.GenerateCode(setup.Secret, h.clock.Now())
		var wins atomic.Int32
		var wg sync.WaitGroup
		for _, tok := range []string{a.Token, b.Token} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := h.svc.CompleteMFA(ctx, tok, MFAInput{Code: c}, client); err == nil {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("wins = %d, want exactly 1", wins.Load())
		}
	})
}

func TestLoginThrottleAndLockout(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	u := h.signUp("Erik", "+46701234566")
	rotating := func(i int) Client { return Client{IP: "198.51.100." + string(rune('0'+i%10))} }
	fails := 0
	var lastWait time.Duration
	for fails < accountThrottle.LockAfter {
		_, err := h.svc.Login(ctx, u.email, "wrong password that is long", rotating(fails))
		if errors.Is(err, ErrInvalidCredentials) {
			fails++
			continue
		}
		fe, ok := fault.As(err)
		if !ok || fe.Kind != fault.RateLimited || fe.RetryAfter <= 0 {
			t.Fatalf("after %d failures: %v", fails, err)
		}
		if fe.RetryAfter < lastWait && !errors.Is(err, ErrLocked) {
			t.Fatalf("delays shrink: %v then %v", lastWait, fe.RetryAfter)
		}
		lastWait = fe.RetryAfter
		// While blocked, even the right password is refused (and not counted).
		_, err = h.svc.Login(ctx, u.email, u.password, rotating(fails))
		if fe2, _ := fault.As(err); fe2 == nil || fe2.Kind != fault.RateLimited {
			t.Fatalf("right password while blocked: %v", err)
		}
		h.clock.Advance(fe.RetryAfter)
	}
	if fails != accountThrottle.LockAfter {
		t.Fatalf("failures = %d", fails)
	}
	// Locked now: waiting a day does not help, rotating IPs does not help.
	h.clock.Advance(24 * time.Hour)
	_, err := h.svc.Login(ctx, u.email, u.password, rotating(3))
	wantErr(t, err, ErrLocked)
	if lastWait > 15*time.Minute+time.Second {
		t.Errorf("a delay before the lock exceeded the cap: %v", lastWait)
	}
}

func TestLoginSuccessResetsCounterAndUnknownLooksTheSame(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	u := h.signUp("Fia", "+46701234567")
	for i := 0; i < accountThrottle.Free; i++ {
		_, err := h.svc.Login(ctx, u.email, "wrong password that is long", client)
		wantErr(t, err, ErrInvalidCredentials)
	}
	h.login(u)
	for i := 0; i < accountThrottle.Free; i++ {
		_, err := h.svc.Login(ctx, u.email, "wrong password that is long", client)
		wantErr(t, err, ErrInvalidCredentials) // counter was reset by the success
	}
	_, errUnknown := h.svc.Login(ctx, "nobody@example.com", "wrong password that is long", Client{IP: "203.0.113.9"})
	_, errWrong := h.svc.Login(ctx, u.email, "wrong password that is long", Client{IP: "203.0.113.9"})
	if errUnknown == nil || errWrong == nil {
		t.Fatal("expected failures")
	}
	fu, _ := fault.As(errUnknown)
	fw, _ := fault.As(errWrong)
	if fu == nil || fw == nil || fu.Code != fw.Code || fu.Key != fw.Key {
		t.Errorf("unknown %v vs wrong %v differ", errUnknown, errWrong)
	}
}

func TestSMSVelocityStopsBeforeGateway(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	u := h.signUp("Gun", "+46701234568")
	before := h.sms.calls.Load() // the sign-up code
	sent := 0
	var err error
	for i := 0; i < 10; i++ {
		if err = h.svc.ResendMobileCode(ctx, u.id, client); err != nil {
			break
		}
		sent++
	}
	wantErr(t, err, ErrSMSRateLimited)
	if got := h.sms.calls.Load() - before; got != int64(sent) {
		t.Fatalf("gateway calls %d, sent %d: a refused send reached the gateway", got, sent)
	}
	if sent+1 != 3 { // 3 per number per 10 minutes, the sign-up's included
		t.Errorf("sent %d before the per-number limit", sent)
	}
	// A new code does not reset the failure count of the purpose.
	h.clock.Advance(11 * time.Minute)
	for i := 0; i < codeThrottle.Free; i++ {
		wantErr(t, h.svc.VerifyMobile(ctx, u.id, "000000", client), ErrInvalidCode)
	}
	wantErr(t, h.svc.VerifyMobile(ctx, u.id, "000001", client), ErrInvalidCode)
	if err := h.svc.ResendMobileCode(ctx, u.id, client); err != nil {
		t.Fatal(err)
	}
	err = h.svc.VerifyMobile(ctx, u.id, h.lastSMSCode(u.mobile), client)
	if fe, _ := fault.As(err); fe == nil || fe.Kind != fault.RateLimited {
		t.Fatalf("right code right after failures and a resend: %v (want a wait)", err)
	}
	// Per IP: many numbers from one address stop at the IP limit, before the gateway.
	calls := h.sms.calls.Load()
	var ipErr error
	n := 0
	for i := 0; i < 40 && ipErr == nil; i++ {
		_, ipErr = h.svc.SignUp(ctx, SignUpInput{Email: testkit.Name("ip") + "@example.com", Password: "a long enough passphrase", Mobile: "+4670" + string(rune('1'+i%9)) + "23456" + string(rune('0'+i%10)), Name: "X"}, Client{IP: "203.0.113.50"})
		n++
	}
	if got := h.sms.calls.Load() - calls; got > int64(smsLimits[3].max) {
		t.Errorf("%d SMS from one IP, limit %d", got, smsLimits[3].max)
	}
}

func TestStepUpRotatesAndExpires(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	u := h.signUp("Hans", "+46701234569")
	first, sess := h.login(u)
	if h.svc.StepUpValid(sess) {
		t.Fatal("fresh login counts as step-up")
	}
	iss, sess2 := h.stepUp(sess, u.mobile)
	if iss.StepUpUntil == nil || !h.svc.StepUpValid(sess2) {
		t.Fatal("no step-up window")
	}
	_, err := h.svc.Authenticate(ctx, first.Token)
	wantErr(t, err, ErrUnauthenticated)
	h.clock.Advance(5*time.Minute + time.Second)
	sess3, err := h.svc.Authenticate(ctx, iss.Token)
	if err != nil {
		t.Fatal(err)
	}
	if h.svc.StepUpValid(sess3) {
		t.Error("step-up outlives five minutes")
	}
	_, err = h.svc.NewRecoveryCodes(ctx, sess3, client)
	wantErr(t, err, ErrStepUpRequired)
}

func TestSessionTimeoutsAndRevoke(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		h := newHarness(t, bdb)
		ctx := context.Background()
		a := h.signUp("Ida", "+46701234570")
		b := h.signUp("Jon", "+46701234571")
		ia, sa := h.login(a)
		_, sb := h.login(b)
		// Account A cannot end B's session.
		wantErr(t, h.svc.RevokeSession(ctx, sa, sb.ID, client), ErrNotFound)
		if _, err := h.svc.Authenticate(ctx, ia.Token); err != nil {
			t.Fatal(err)
		}
		// Idle timeout.
		h.clock.Advance(time.Hour)
		_, err := h.svc.Authenticate(ctx, ia.Token)
		wantErr(t, err, ErrUnauthenticated)
		// Absolute timeout, even when active.
		ia, _ = h.login(a)
		for i := 0; i < 25; i++ {
			h.clock.Advance(59 * time.Minute)
			if _, err = h.svc.Authenticate(ctx, ia.Token); err != nil {
				break
			}
		}
		wantErr(t, err, ErrUnauthenticated)
		// List and revoke own sessions.
		x, sx := h.login(a)
		y, _ := h.login(a)
		list, err := h.svc.Sessions(ctx, sx)
		if err != nil || len(list) != 2 {
			t.Fatalf("sessions %d %v", len(list), err)
		}
		var other string
		for _, s := range list {
			if !s.Current {
				other = s.ID
			}
		}
		if err := h.svc.RevokeSession(ctx, sx, other, client); err != nil {
			t.Fatal(err)
		}
		_, err = h.svc.Authenticate(ctx, y.Token)
		wantErr(t, err, ErrUnauthenticated)
		if err := h.svc.Logout(ctx, x.Token); err != nil {
			t.Fatal(err)
		}
		_, err = h.svc.Authenticate(ctx, x.Token)
		wantErr(t, err, ErrUnauthenticated)
		if err := h.svc.Cleanup(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		h := newHarness(t, bdb)
		ctx := context.Background()
		u := h.signUp("Kim", "+46701234572")
		_, sess := h.login(u)
		privBefore, _ := h.svc.PrivateKey(sess)
		if err := h.svc.RequestPasswordReset(ctx, u.email, client); err != nil {
			t.Fatal(err)
		}
		if err := h.svc.RequestPasswordReset(ctx, "nobody@example.com", client); err != nil {
			t.Fatal(err)
		}
		h.svc.Drain()
		tok := h.lastLinkToken(u.email)
		// A link alone is not enough.
		_, err := h.svc.CompletePasswordReset(ctx, ResetInput{Token: tok, NewPassword: "a brand new passphrase"}, client)
		wantErr(t, err, ErrKeysWillBeLost)
		_, err = h.svc.CompletePasswordReset(ctx, ResetInput{Token: tok, NewPassword: "a brand new passphrase", AcceptKeyLoss: true}, client)
		wantErr(t, err, ErrSecondFactor)
		// With a recovery code the keys are kept.
		res, err := h.svc.CompletePasswordReset(ctx, ResetInput{Token: tok, NewPassword: "a brand new passphrase", RecoveryCode: u.codes[0]}, client)
		if err != nil || !res.KeysKept || len(res.RecoveryCodes) != 0 {
			t.Fatalf("reset with code: %+v %v", res, err)
		}
		_, err = h.svc.Authenticate(ctx, sess.ID)
		wantErr(t, err, ErrUnauthenticated)
		u.password = "a brand new passphrase"
		_, sess = h.login(u)
		privAfter, _ := h.svc.PrivateKey(sess)
		if privAfter.ID() != privBefore.ID() {
			t.Fatal("keys not kept")
		}
		// The token is single use.
		_, err = h.svc.CompletePasswordReset(ctx, ResetInput{Token: tok, NewPassword: "another new passphrase", RecoveryCode: u.codes[1]}, client)
		wantErr(t, err, ErrInvalidToken)
		// Without a code: an SMS code and the warning accepted give a new key pair.
		if err := h.svc.RequestPasswordReset(ctx, u.email, client); err != nil {
			t.Fatal(err)
		}
		h.svc.Drain()
		tok = h.lastLinkToken(u.email)
		if err := h.svc.SendResetCode(ctx, tok, false, client); err != nil {
			t.Fatal(err)
		}
		res, err = h.svc.CompletePasswordReset(ctx, ResetInput{Token: tok, NewPassword: "another new passphrase", Code: h.lastSMSCode(u.mobile), AcceptKeyLoss: true}, client)
		if err != nil || res.KeysKept || len(res.RecoveryCodes) != RecoveryCodeCount {
			t.Fatalf("reset without code: %+v %v", res, err)
		}
		u.password = "another new passphrase"
		_, sess = h.login(u)
		privNew, _ := h.svc.PrivateKey(sess)
		if privNew.ID() == privBefore.ID() {
			t.Fatal("a reset without a code kept the key")
		}
		var old int
		_ = bdb.NewSelect().Table("account_keys").ColumnExpr("count(*)").Where("account_id = ? AND state = 'old'", u.id).Scan(ctx, &old)
		if old != 1 {
			t.Errorf("old keys kept in the keyring = %d", old)
		}
		// A code of the old key pair no longer counts (it would re-seal the old key and
		// lock the new one away); the new codes do.
		if err := h.svc.RequestPasswordReset(ctx, u.email, client); err != nil {
			t.Fatal(err)
		}
		h.svc.Drain()
		tok = h.lastLinkToken(u.email)
		_, err = h.svc.CompletePasswordReset(ctx, ResetInput{Token: tok, NewPassword: "a third new passphrase", RecoveryCode: u.codes[2]}, client)
		wantErr(t, err, ErrInvalidCode)
		res, err = h.svc.CompletePasswordReset(ctx, ResetInput{Token: tok, NewPassword: "a third new passphrase", RecoveryCode: res.RecoveryCodes[0]}, client)
		if err != nil || !res.KeysKept {
			t.Fatalf("reset with a new code: %+v %v", res, err)
		}
		u.password = "a third new passphrase"
		_, sess = h.login(u)
		if p, err := h.svc.PrivateKey(sess); err != nil || p.ID() != privNew.ID() {
			t.Fatalf("after reset with a new code: %v", err)
		}
	})
}

func TestChangePasswordResealsKey(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	u := h.signUp("Lis", "+46701234573")
	other, _ := h.login(u)
	_, sess := h.login(u)
	_, sess = h.stepUp(sess, u.mobile)
	before, _ := h.svc.PrivateKey(sess)
	wantErr(t, h.svc.ChangePassword(ctx, sess, "short", client), ErrPasswordTooShort)
	if err := h.svc.ChangePassword(ctx, sess, "a completely new passphrase", client); err != nil {
		t.Fatal(err)
	}
	_, err := h.svc.Authenticate(ctx, other.Token)
	wantErr(t, err, ErrUnauthenticated)
	_, err = h.svc.Login(ctx, u.email, u.password, client)
	wantErr(t, err, ErrInvalidCredentials)
	u.password = "a completely new passphrase"
	_, s2 := h.login(u)
	after, _ := h.svc.PrivateKey(s2)
	if after.ID() != before.ID() {
		t.Fatal("key changed with the password")
	}
}

func TestMasterRotationReseals(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	u := h.signUp("Mo", "+46701234574")
	old := h.master.CurrentID()
	if err := h.master.Rotate(); err != nil {
		t.Fatal(err)
	}
	n, err := h.svc.ResealMaster(ctx)
	if err != nil || n < 1 {
		t.Fatalf("resealed %d, %v", n, err)
	}
	if n2, _ := h.svc.ResealMaster(ctx); n2 != 0 {
		t.Errorf("second reseal changed %d", n2)
	}
	if err := h.master.Retire(old); err != nil {
		t.Fatal(err)
	}
	h.login(u)
	// Links mailed before the rotation still work after the old key is gone.
	if err := h.svc.VerifyEmail(ctx, h.lastLinkToken(u.email), client); err != nil {
		t.Fatalf("e-mail link after rotation: %v", err)
	}
}

// A database writer cannot swap in their own public key: the MAC under the master key fails.
func TestSwappedPublicKeyRefused(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	u := h.signUp("Nils", "+46701234575")
	evil, _ := keys.GenerateKeyPair()
	if _, err := bdb.NewUpdate().Table("account_keys").Set("public_key = ?", evil.Public().Bytes()).Where("account_id = ?", u.id).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	a, _ := h.svc.accountByID(ctx, u.id)
	if _, err := h.svc.PublicKey(ctx, a); err == nil {
		t.Fatal("swapped public key accepted")
	}
	if _, err := h.svc.Login(ctx, u.email, u.password, client); err == nil {
		t.Fatal("login with a swapped public key succeeded")
	}
}

// The canary password and the canary private key never reach the database file, its WAL
// or the logs — raw, base64 or hex.
func TestCanariesNotStored(t *testing.T) {
	bdb, path := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	const canary = "CanaryPassphrase-7f3a9c-do-not-store"
	u := user{email: "canary@example.com", mobile: "+46701234576", password: canary}
	res, err := h.svc.SignUp(ctx, SignUpInput{Email: u.email, Password: canary, Mobile: u.mobile, Name: "Canary"}, client)
	if err != nil {
		t.Fatal(err)
	}
	u.id, u.codes = res.AccountID, res.RecoveryCodes
	_, sess := h.login(u)
	_, sess = h.stepUp(sess, u.mobile)
	setup, err := h.svc.BeginTOTP(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := totp.GenerateCode(setup.Secret, h.clock.Now())
	codes, err := h.svc.ConfirmTOTP(ctx, sess, c, client)
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := h.svc.PrivateKey(sess)
	var sessionToken string
	h.clock.Advance(31 * time.Second)
	iss, _ := h.login(u)
	c2, _ := totp.GenerateCode(setup.Secret, h.clock.Now())
	full, err := h.svc.CompleteMFA(ctx, iss.Token, MFAInput{Code: c2}, client)
	if err != nil {
		t.Fatal(err)
	}
	sessionToken = full.Token
	secretRaw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(setup.Secret)
	if err != nil {
		t.Fatal(err)
	}

	needles := map[string][]byte{
		"password":      []byte(canary),
		"password-b64":  []byte(base64.StdEncoding.EncodeToString([]byte(canary))),
		"password-hex":  []byte(hex.EncodeToString([]byte(canary))),
		"session-token": []byte(sessionToken),
		"totp-secret":   []byte(setup.Secret),
		"totp-raw":      secretRaw,
		"recovery-code": []byte(codes[0]),
	}
	if err := bdb.Close(); err != nil { // flush; the WAL stays on disk beside the file
		t.Fatal(err)
	}
	files, _ := filepath.Glob(path + "*")
	if len(files) < 1 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for name, n := range needles {
			if bytes.Contains(data, n) {
				t.Errorf("%s found in %s", name, filepath.Base(f))
			}
		}
		if priv.FoundIn(data) {
			t.Errorf("the private key found in %s", filepath.Base(f))
		}
	}
	if priv.FoundIn(h.logs.Bytes()) {
		t.Error("the private key found in the logs")
	}
	for name, n := range needles {
		if bytes.Contains(h.logs.Bytes(), n) {
			t.Errorf("%s found in the logs", name)
		}
	}
}

// The codes of oathtool, an independent RFC 6238 implementation, are accepted.
func TestTOTPMatchesOathtool(t *testing.T) {
	path, err := exec.LookPath("oathtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("oathtool is not installed (.ci/run installs it)")
		}
		t.Skip("oathtool not installed")
	}
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	h.clock.Set(time.Now().UTC()) // oathtool reads the real clock
	ctx := context.Background()
	u := h.signUp("Olle", "+46701234577")
	_, sess := h.login(u)
	_, sess = h.stepUp(sess, u.mobile)
	setup, err := h.svc.BeginTOTP(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, "--totp", "--base32", setup.Secret).Output()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.ConfirmTOTP(ctx, sess, strings.TrimSpace(string(out)), client); err != nil {
		t.Fatalf("oathtool's code refused: %v", err)
	}
}

func TestChangeEmailAndMobile(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		h := newHarness(t, bdb)
		ctx := context.Background()
		u := h.signUp("Pia", "+46701234578")
		other := h.signUp("Per", "+46701234579")
		_, sess := h.login(u)
		wantErr(t, h.svc.RequestEmailChange(ctx, sess, "new@example.com", client), ErrStepUpRequired)
		_, sess = h.stepUp(sess, u.mobile)
		wantErr(t, h.svc.RequestEmailChange(ctx, sess, other.email, client), ErrEmailTaken)
		newAddr := testkit.Name("pia") + "@example.com"
		if err := h.svc.RequestEmailChange(ctx, sess, newAddr, client); err != nil {
			t.Fatal(err)
		}
		// Nothing changes until the new address confirms; the old one is told.
		if a, _ := h.svc.accountByID(ctx, u.id); !strings.EqualFold(a.Email, u.email) {
			t.Fatalf("address changed before confirmation: %s", a.Email)
		}
		if got := h.outbox.List(u.email)[0].Subject; !strings.Contains(got, "change of your e-mail") {
			t.Errorf("old address not told: %q", got)
		}
		if err := h.svc.VerifyEmail(ctx, h.lastLinkToken(newAddr), client); err != nil {
			t.Fatal(err)
		}
		a, _ := h.svc.accountByID(ctx, u.id)
		if a.Email != newAddr || a.EmailVerifiedAt == nil {
			t.Fatalf("after confirmation: %s %v", a.Email, a.EmailVerifiedAt)
		}
		u.email = newAddr
		h.login(u)

		// Mobile: the step-up proved the old factor; a code to the new number completes it.
		if err := h.svc.RequestMobileChange(ctx, sess, "0701234580", client); err != nil {
			t.Fatal(err)
		}
		wantErr(t, h.svc.ConfirmMobileChange(ctx, sess, "000000", client), ErrInvalidCode)
		if err := h.svc.ConfirmMobileChange(ctx, sess, h.lastSMSCode("+46701234580"), client); err != nil {
			t.Fatal(err)
		}
		if a, _ := h.svc.accountByID(ctx, u.id); a.Mobile != "+46701234580" || a.MobilePending != nil {
			t.Fatalf("mobile %s pending %v", a.Mobile, a.MobilePending)
		}
		// A code that reached one number cannot confirm another.
		if err := h.svc.RequestMobileChange(ctx, sess, "+46701234583", client); err != nil {
			t.Fatal(err)
		}
		codeA := h.lastSMSCode("+46701234583")
		if err := h.svc.RequestMobileChange(ctx, sess, "+46701234584", client); err != nil {
			t.Fatal(err)
		}
		wantErr(t, h.svc.ConfirmMobileChange(ctx, sess, codeA, client), ErrInvalidCode)
	})
}

// Reset links are limited per account; the answer does not change.
func TestPasswordResetMailsLimited(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	u := h.signUp("Quinn", "+46701234581")
	for i := 0; i < resetMailsPerHour+3; i++ {
		if err := h.svc.RequestPasswordReset(ctx, u.email, client); err != nil {
			t.Fatal(err)
		}
	}
	h.svc.Drain()
	n := 0
	for _, it := range h.outbox.List(u.email) {
		if strings.Contains(it.Body, "/password-reset/") {
			n++
		}
	}
	if n != resetMailsPerHour {
		t.Fatalf("reset mails = %d, want %d", n, resetMailsPerHour)
	}
}

// A session without a fresh step-up can neither read nor confirm a pending TOTP secret,
// even one a stepped-up session began (a stolen cookie must not enrol its own factor).
func TestPendingTOTPNeedsStepUp(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	u := h.signUp("Rut", "+46701234582")
	_, sess := h.login(u)
	iss, stepped := h.stepUp(sess, u.mobile)
	setup, err := h.svc.BeginTOTP(ctx, stepped)
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(6 * time.Minute)
	later, err := h.svc.Authenticate(ctx, iss.Token)
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.svc.PendingTOTP(later)
	wantErr(t, err, ErrStepUpRequired)
	c, _ := totp.GenerateCode(setup.Secret, h.clock.Now())
	_, err = h.svc.ConfirmTOTP(ctx, later, c, client)
	wantErr(t, err, ErrStepUpRequired)
	if a, _ := h.svc.accountByID(ctx, u.id); a.TOTPEnabled() {
		t.Fatal("TOTP enabled without a step-up")
	}
}

// Repeated sign-ups for one address are slowed before any Argon2id work or mail.
func TestSignUpThrottledPerAddress(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	in := SignUpInput{Email: "again@example.com", Password: "a long enough passphrase", Mobile: "+46701234586", Name: "Again"}
	var err error
	n := 0
	for ; n < 10; n++ {
		if _, err = h.svc.SignUp(ctx, in, Client{IP: fmt.Sprintf("198.51.100.%d", n)}); err != nil {
			break
		}
	}
	if fe, _ := fault.As(err); fe == nil || fe.Kind != fault.RateLimited {
		t.Fatalf("after %d sign-ups: %v", n, err)
	}
	if n != signUpAddrThrottle.Free+1 { // Free attempts pass freely; the next one sets the first wait
		t.Errorf("allowed %d sign-ups for one address, want %d", n, signUpAddrThrottle.Free+1)
	}
}

// After a reset without a code, an old recovery code found later opens the old key pair,
// which the keyring then keeps wrapped to the current one.
func TestRecoverOldKeyAfterReset(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		h := newHarness(t, bdb)
		ctx := context.Background()
		u := h.signUp("Sam", "+46701234587")
		_, sess := h.login(u)
		oldPriv, _ := h.svc.PrivateKey(sess)
		if err := h.svc.RequestPasswordReset(ctx, u.email, client); err != nil {
			t.Fatal(err)
		}
		h.svc.Drain()
		tok := h.lastLinkToken(u.email)
		if err := h.svc.SendResetCode(ctx, tok, false, client); err != nil {
			t.Fatal(err)
		}
		res, err := h.svc.CompletePasswordReset(ctx, ResetInput{Token: tok, NewPassword: "a password after the reset", Code: h.lastSMSCode(u.mobile), AcceptKeyLoss: true}, client)
		if err != nil || res.KeysKept {
			t.Fatalf("reset: %+v %v", res, err)
		}
		u.password = "a password after the reset"
		_, sess = h.login(u)
		if old, err := h.svc.OldKeys(ctx, sess); err != nil || len(old) != 0 {
			t.Fatalf("old keys before recovery: %d %v", len(old), err)
		}
		// A code of the current key pair recovers nothing; an old code works once.
		_, err = h.svc.RecoverOldKey(ctx, sess, res.RecoveryCodes[0], client)
		wantErr(t, err, ErrInvalidCode)
		id, err := h.svc.RecoverOldKey(ctx, sess, u.codes[4], client)
		if err != nil || id != oldPriv.ID() {
			t.Fatalf("recover: %q %v", id, err)
		}
		_, err = h.svc.RecoverOldKey(ctx, sess, u.codes[4], client)
		wantErr(t, err, ErrInvalidCode)
		got, err := h.svc.OldKeys(ctx, sess)
		if err != nil || len(got) != 1 || got[0].ID() != oldPriv.ID() {
			t.Fatalf("old keys: %v %v", got, err)
		}
		// What was wrapped to the old key opens with the recovered key.
		ck := keys.NewContentKey()
		info := keys.WrapInfo{Purpose: keys.WrapContent, Tenant: "t", ObjectKind: "message", ObjectID: "m1", RecipientKind: "account", RecipientID: u.id}
		wrapped, err := keys.Wrap(oldPriv.Public(), ck, info)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := keys.Unwrap(got[0], wrapped, info); err != nil {
			t.Fatalf("old message key does not open: %v", err)
		}
	})
}

func TestClientNetwork(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":                  "192.0.2.7",
		"::ffff:192.0.2.7":           "192.0.2.7",
		"2001:db8:1:2:3:4:5:6":       "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff:0:1": "2001:db8:1:2::/64",
		"not an address":             "not an address",
	} {
		if got := (Client{IP: in}).network(); got != want {
			t.Errorf("network(%q) = %q, want %q", in, got, want)
		}
	}
}

// Raising the Argon2id parameters upgrades a password's record at its next login, and the
// key stays the same.
func TestLoginRehashesOldParameters(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	u := h.signUp("Tage", "+46701234589")
	_, sess := h.login(u)
	before, _ := h.svc.PrivateKey(sess)
	stronger := keys.TestKDFParams()
	stronger.Iterations++
	h.svc.hasher = keys.NewHasher(stronger, 2)
	a, _ := h.svc.accountByID(ctx, u.id)
	if !h.svc.hasher.NeedsRehash(a.PasswordRecord) {
		t.Fatal("old record not recognised")
	}
	_, sess = h.login(u)
	a, _ = h.svc.accountByID(ctx, u.id)
	if h.svc.hasher.NeedsRehash(a.PasswordRecord) {
		t.Fatal("the record was not upgraded")
	}
	after, _ := h.svc.PrivateKey(sess)
	if after.ID() != before.ID() {
		t.Fatal("key changed")
	}
	h.login(u) // and the upgraded record and seal work
}

// An action whose audit event cannot be written does not happen: sign-up leaves nothing
// behind when the audit log refuses.
func TestUnauditedActionDoesNotHappen(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	h := newHarness(t, bdb)
	ctx := context.Background()
	if _, err := bdb.ExecContext(ctx, "DROP TABLE audit_events"); err != nil {
		t.Fatal(err)
	}
	_, err := h.svc.SignUp(ctx, SignUpInput{Email: "unaudited@example.com", Password: "a long enough passphrase", Mobile: "+46701234590", Name: "U"}, client)
	if err == nil {
		t.Fatal("sign-up succeeded without its audit event")
	}
	for _, table := range []string{"accounts", "tenants", "account_keys", "recovery_codes", "email_tokens"} {
		var n int
		if err := bdb.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows (%v) after a refused sign-up", table, n, err)
		}
	}
}
