package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/securemailbox/securemailbox/internal/config"
)

// startDevServer runs the real wiring (build + newWebServer) in dev mode on a loopback
// port with a fresh data directory (and any extra flags), and returns its base URL and the
// system behind it.
func startDevServer(t *testing.T, extra ...string) (string, *system) {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Load("serve", append([]string{"--dev", "--migrate", "--data", dir, "--addr", "127.0.0.1:0"}, extra...), nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = ln.Addr().String()
	cfg.BaseURL = "http://" + cfg.Addr
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sys, err := build(ctx, cfg, log, buildMode{migrate: true, jobs: true})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newWebServer(sys)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
		_ = sys.Close()
	})
	return cfg.BaseURL, sys
}

type outboxItem struct {
	Channel, To, Subject, Body string
}

// outbox reads the dev outbox over its API, newest first.
func outbox(t *testing.T, base, to string) []outboxItem {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/dev/outbox?to=" + url.QueryEscape(to))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Items []outboxItem }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Items
}

var (
	smsCodeRE   = regexp.MustCompile(`\b(\d{6})\b`)
	verifyURLRE = regexp.MustCompile(`http://\S+/verify/email/\S+`)
)

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed (.ci/run installs it)")
		}
		t.Skip("chromium not installed")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelC(); cancelB(); cancelA() })
	return ctx
}

// axe runs axe-core in the page when AXE_CORE_JS names its file (.ci/run installs it) and
// fails the test on any violation.
func axe(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	path := os.Getenv("AXE_CORE_JS")
	if path == "" {
		return
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core: %v", err)
	}
	type violation struct {
		ID    string `json:"id"`
		Help  string `json:"help"`
		Nodes []struct {
			Target []string `json:"target"`
		} `json:"nodes"`
	}
	script := string(src) + `;(async () => (await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})).violations)()`
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe-core on %s: %v", page, err)
	}
	for _, v := range violations {
		t.Errorf("axe on %s: %s (%s) at %v", page, v.ID, v.Help, v.Nodes)
	}
}

// css is shorthand for a CSS selector.
func css(s string) chromedp.CSS { return chromedp.CSS(s) }

// TestJourneySignUpTOTPRecoverySwedish walks the first journey a person takes, in a real
// headless Chromium against the real server: sign up, confirm the e-mail from the dev
// outbox, enter the SMS code, set up TOTP, log out, log in with TOTP, log in with a recovery
// code, switch to Swedish.
func TestJourneySignUpTOTPRecoverySwedish(t *testing.T) {
	if testing.Short() {
		t.Skip("browser journey")
	}
	base, _ := startDevServer(t)
	ctx := newBrowser(t)
	email := fmt.Sprintf("journey-%d@example.com", time.Now().UnixNano())
	mobile := "+46701112233"
	password := "a calm and long journey passphrase"

	fail := func(step string, err error) {
		t.Helper()
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Text(css("body")))
		t.Fatalf("%s: %v\nat %s\n%.2000s", step, err, loc, body)
	}
	do := func(step string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		// A step that hangs is reported with the page it hangs on (cancelling a derived
		// context would close the tab, so the wait runs beside it).
		done := make(chan error, 1)
		go func() { done <- chromedp.Do(ctx, steps...) }()
		select {
		case err := <-done:
			if err != nil {
				fail(step, err)
			}
		case <-time.After(30 * time.Second):
			fail(step, fmt.Errorf("no progress in 30 s"))
		}
	}
	submit := func(form string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(css(form + ` [type=submit]`))
	}
	fill := func(sel, v string) chromedp.Action[chromedp.Void] { return chromedp.SendKeys(css(sel), v) }
	visible := func(sel string) chromedp.Action[chromedp.Void] { return chromedp.WaitVisible(css(sel)) }
	location := func() string {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			fail("location", err)
		}
		return loc
	}
	// smsCount and newCode read the dev outbox: newCode waits until more than `before` SMS
	// have reached `to` (the POST that sends one may still be running) and returns the code
	// of the newest.
	smsCount := func(to string) int {
		n := 0
		for _, it := range outbox(t, base, to) {
			if it.Channel == "sms" {
				n++
			}
		}
		return n
	}
	newCode := func(to string, before int) string {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			items := outbox(t, base, to)
			n := 0
			code := ""
			for _, it := range items {
				if it.Channel == "sms" {
					if n == 0 {
						if m := smsCodeRE.FindStringSubmatch(it.Body); m != nil {
							code = m[1]
						}
					}
					n++
				}
			}
			if n > before && code != "" {
				return code
			}
		}
		t.Fatalf("no new SMS code for %s", to)
		return ""
	}
	recoveryCodes := func() []string {
		t.Helper()
		codes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid=recovery-code]')].map(e => e.textContent.trim())`))
		if err != nil {
			fail("read recovery codes", err)
		}
		return codes
	}

	// Sign up.
	do("open sign-up", chromedp.Navigate(base+"/signup"), visible(`[data-testid=signup-form]`))
	axe(t, ctx, "sign-up")
	do("sign up",
		fill(`input[name=name]`, "Journey Person"),
		fill(`input[name=email]`, email),
		fill(`input[name=mobile]`, "070 111 22 33"),
		fill(`input[name=password]`, password),
		submit(`[data-testid=signup-form]`),
		visible(`[data-testid=recovery-code]`),
	)
	if n := len(recoveryCodes()); n != 10 {
		t.Fatalf("sign-up showed %d recovery codes", n)
	}
	axe(t, ctx, "recovery codes")
	do("codes saved", chromedp.Click(css(`[data-testid=codes-saved]`)), visible(`[data-testid=mobile-code-form]`))

	// The SMS code from the dev outbox.
	do("verify mobile", fill(`[data-testid=mobile-code-form] input[name=code]`, newCode(mobile, 0)), submit(`[data-testid=mobile-code-form]`),
		chromedp.WaitNotPresent(css(`[data-testid=mobile-code-form]`)))

	// The e-mail link.
	var link string
	for _, it := range outbox(t, base, email) {
		if m := verifyURLRE.FindString(it.Body); m != "" {
			link = m
			break
		}
	}
	if link == "" {
		t.Fatal("no verification link in the dev outbox")
	}
	do("open e-mail link", chromedp.Navigate(link), visible(`[data-testid=confirm-email]`))
	axe(t, ctx, "confirm e-mail")
	do("confirm e-mail", chromedp.Click(css(`[data-testid=confirm-email]`)), chromedp.WaitNotPresent(css(`[data-testid=confirm-email]`)))

	login := func() {
		t.Helper()
		do("open login", chromedp.Navigate(base+"/login"), visible(`[data-testid=login-form]`))
		do("log in", fill(`input[name=email]`, email), fill(`input[name=password]`, password), submit(`[data-testid=login-form]`),
			chromedp.WaitNotPresent(css(`[data-testid=login-form]`)))
	}
	logout := func() {
		t.Helper()
		do("log out", chromedp.Navigate(base+"/account"), visible(`[data-testid=logout]`),
			chromedp.Click(css(`[data-testid=logout]`)), chromedp.WaitNotPresent(css(`[data-testid=logout]`)))
		do("logged out", chromedp.Navigate(base+"/account"), visible(`[data-testid=login-form]`))
	}

	// Log in (no second factor yet).
	login()
	do("account", visible(`[data-testid=logout]`))

	// ID control → "I have installed an authenticator app" → SMS control code → QR + secret → confirm.
	do("security", chromedp.Navigate(base+"/account/security"), visible(`[data-testid=totp-start]`))
	axe(t, ctx, "ID control")
	do("start totp", chromedp.Click(css(`[data-testid=totp-start]`)), visible(`[data-testid=step-up-sms-form]`))
	axe(t, ctx, "step-up")
	sent := smsCount(mobile)
	do("send control code", submit(`[data-testid=step-up-sms-form]`))
	code := newCode(mobile, sent)
	do("step up", visible(`[data-testid=step-up-form]`), fill(`[data-testid=step-up-form] input[name=code]`, code), submit(`[data-testid=step-up-form]`),
		visible(`[data-testid=totp-secret]`))
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(css(`[data-testid=totp-secret]`), "data-secret"))
	if err != nil || len(attr.Value) < 32 {
		fail("read secret", err)
	}
	secret := attr.Value
	axe(t, ctx, "TOTP setup")
	code, err = totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	do("confirm totp", fill(`[data-testid=totp-confirm-form] input[name=code]`, code), submit(`[data-testid=totp-confirm-form]`),
		visible(`[data-testid=recovery-code]`))
	codes := recoveryCodes()
	if len(codes) != 10 {
		t.Fatalf("TOTP confirmation showed %d codes", len(codes))
	}
	do("codes saved", chromedp.Click(css(`[data-testid=codes-saved]`)), chromedp.WaitNotPresent(css(`[data-testid=codes-saved]`)))
	if loc := location(); !strings.Contains(loc, "/account/backup-phone") && !strings.Contains(loc, "/account/step-up") {
		t.Errorf("after the codes the backup phone is not offered: %s", loc)
	}

	// Log out, log in with TOTP (a code of the next step: the confirming step is used up).
	logout()
	login()
	do("mfa page", visible(`[data-testid=totp-form]`))
	axe(t, ctx, "second factor")
	next, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	do("totp login", fill(`[data-testid=totp-form] input[name=code]`, next), submit(`[data-testid=totp-form]`),
		visible(`[data-testid=logout]`))

	// Log out, log in with a recovery code.
	logout()
	login()
	do("recovery login",
		visible(`[data-testid=totp-form]`),
		chromedp.SetValue(css(`[data-testid=recovery-form] input[name=recovery_code]`), codes[0]),
		chromedp.Submit(css(`[data-testid=recovery-form] input[name=recovery_code]`)),
		visible(`[data-testid=logout]`))

	// Switch to Swedish.
	do("switch language",
		chromedp.SetValue(css(`#lang-select`), "sv"),
		chromedp.Submit(css(`#lang-select`)),
		visible(`html[lang=sv]`))
	body, err := chromedp.Run(ctx, chromedp.Text(css("body")))
	if err != nil {
		fail("read page", err)
	}
	if !strings.Contains(body, "Logga ut") {
		t.Errorf("the page is not in Swedish: %.300s", body)
	}
	axe(t, ctx, "Swedish account page")
}
