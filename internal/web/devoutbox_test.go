package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/securemailbox/securemailbox/internal/notify"
	"github.com/securemailbox/securemailbox/internal/web"
)

func TestDevOutbox(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	now := at
	o := notify.NewOutbox(func() time.Time { return now })
	ctx := context.Background()
	if err := o.SendEmail(ctx, notify.Email{To: "anna@example.com", Subject: "Confirm your e-mail address", Text: "Open https://mail.test/verify/email/abc."}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	if err := o.SendSMS(ctx, notify.SMS{To: "+46701234567", Text: "Your code: 123456"}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	if err := o.SendEmail(ctx, notify.Email{To: "Anna@Example.com", Subject: "Reset your password", Text: "<b>not markup</b>"}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, web.Options{Dev: true}, func(d *web.Deps) {
		d.Areas = append(d.Areas, web.NewDevOutbox(o, nil))
	})

	resp, body := e.do(t, req("GET", "/api/v1/dev/outbox?to=anna%40example.com", ""))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("api: %d %s", resp.StatusCode, body)
	}
	var out struct {
		Items []map[string]string `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 2 || out.Items[0]["subject"] != "Reset your password" || out.Items[1]["channel"] != "email" {
		t.Fatalf("items (newest first, filtered): %s", body)
	}
	if got := out.Items[1]["created_at"]; got != "2026-12-01T08:00:00Z" {
		t.Errorf("created_at = %q, want RFC 3339 UTC", got)
	}
	_, body = e.do(t, req("GET", "/api/v1/dev/outbox", ""))
	if !strings.HasPrefix(body, `{"items":[{"channel":"email","to":"Anna@Example.com"`) || !strings.Contains(body, `"channel":"sms","to":"+46701234567","subject":"","body":"Your code: 123456"`) {
		t.Errorf("all items: %s", body)
	}
	_, body = e.do(t, req("GET", "/api/v1/dev/outbox?to=nobody%40example.com", ""))
	if body != `{"items":[]}` {
		t.Errorf("no items: %s", body)
	}

	resp, body = e.do(t, req("GET", "/dev/outbox?to=%2B46701234567", "", "Accept-Language", "en"))
	if resp.StatusCode != 200 || strings.Count(body, `data-testid="outbox-item"`) != 1 || !strings.Contains(body, "Your code: 123456") || !strings.Contains(body, `value="+46701234567"`) {
		t.Fatalf("page filtered: %d %s", resp.StatusCode, body)
	}
	_, body = e.do(t, req("GET", "/dev/outbox", "", "Accept-Language", "en"))
	for _, want := range []string{`<a href="https://mail.test/verify/email/abc" rel="noreferrer">`, "&lt;b&gt;not markup&lt;/b&gt;", `class="dev-banner"`, "1 Dec 2026, 08:00 UTC"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q: %s", want, body)
		}
	}
	if strings.Count(body, `data-testid="outbox-item"`) != 3 {
		t.Errorf("page shows %d items", strings.Count(body, `data-testid="outbox-item"`))
	}
}

func TestDevOutboxOnlyWhenMounted(t *testing.T) {
	e := newEnv(t, web.Options{})
	for _, path := range []string{"/api/v1/dev/outbox", "/dev/outbox"} {
		if resp, body := e.do(t, req("GET", path, "")); resp.StatusCode != 404 {
			t.Errorf("%s without dev mode: %d %s", path, resp.StatusCode, body)
		}
	}
}
