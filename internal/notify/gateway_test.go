package notify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// gatewayRecorder is a fake 46elks-style endpoint.
type gatewayRecorder struct {
	status int
	delay  time.Duration

	mu       sync.Mutex
	requests []gatewayRequest
}

type gatewayRequest struct {
	Method, ContentType, User, Pass string
	AuthOK                          bool
	From, To, Message               string
}

func (g *gatewayRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.delay > 0 {
		select {
		case <-time.After(g.delay):
		case <-r.Context().Done():
			return
		}
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	user, pass, ok := r.BasicAuth()
	g.mu.Lock()
	g.requests = append(g.requests, gatewayRequest{
		Method: r.Method, ContentType: r.Header.Get("Content-Type"), User: user, Pass: pass, AuthOK: ok,
		From: r.PostForm.Get("from"), To: r.PostForm.Get("to"), Message: r.PostForm.Get("message"),
	})
	g.mu.Unlock()
	if g.status != 0 {
		// A reply body that repeats the message, as some gateways do: it must not reach the error.
		http.Error(w, "failed to send "+r.PostForm.Get("message"), g.status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"created","id":"s1"}`))
}

func (g *gatewayRecorder) got() []gatewayRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]gatewayRequest(nil), g.requests...)
}

func newTestGateway(t *testing.T, rec *gatewayRecorder, timeout time.Duration) *Gateway {
	t.Helper()
	srv := httptest.NewServer(rec) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	g, err := NewGateway(GatewayOptions{
		URL: srv.URL + "/a1/sms", Username: "api-user-1", Password: "api-secret-5e7a",
		From: "SecureMbox", Timeout: timeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGatewaySends(t *testing.T) {
	rec := &gatewayRecorder{}
	g := newTestGateway(t, rec, 5*time.Second)
	if err := g.SendSMS(context.Background(), SMS{To: "+46701234567", Text: "Your code: 123456 & more"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	reqs := rec.got()
	if len(reqs) != 1 {
		t.Fatalf("gateway got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	want := gatewayRequest{
		Method: http.MethodPost, ContentType: "application/x-www-form-urlencoded",
		User: "api-user-1", Pass: "api-secret-5e7a", AuthOK: true,
		From: "SecureMbox", To: "+46701234567", Message: "Your code: 123456 & more",
	}
	if r != want {
		t.Fatalf("request = %+v\nwant      %+v", r, want)
	}
}

func TestGatewayErrorStatus(t *testing.T) {
	rec := &gatewayRecorder{status: http.StatusInternalServerError}
	g := newTestGateway(t, rec, 5*time.Second)
	const text = "canary-text-code-482913"
	err := g.SendSMS(context.Background(), SMS{To: "+46701234567", Text: text})
	var ge *GatewayError
	if !errors.As(err, &ge) || ge.StatusCode != http.StatusInternalServerError {
		t.Fatalf("err = %v, want a GatewayError with status 500", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "500") {
		t.Errorf("error lacks the status: %v", msg)
	}
	for _, secret := range []string{text, "api-secret-5e7a", "api-user-1"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error leaks %q: %v", secret, msg)
		}
	}
}

func TestGatewayTimeout(t *testing.T) {
	rec := &gatewayRecorder{delay: 5 * time.Second}
	g := newTestGateway(t, rec, 100*time.Millisecond)
	start := time.Now()
	err := g.SendSMS(context.Background(), SMS{To: "+46701234567", Text: "canary-timeout-text"})
	if err == nil {
		t.Fatal("send to a hanging gateway succeeded")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a deadline error", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("timeout took %v", elapsed)
	}
	if strings.Contains(err.Error(), "canary-timeout-text") || strings.Contains(err.Error(), "api-secret") {
		t.Errorf("error leaks: %v", err)
	}
}

func TestGatewayRefusesBadInput(t *testing.T) {
	rec := &gatewayRecorder{}
	g := newTestGateway(t, rec, 5*time.Second)
	for name, m := range map[string]SMS{
		"empty text":    {To: "+46701234567", Text: " \n "},
		"local number":  {To: "0701234567", Text: "hi"},
		"letters":       {To: "+46abc", Text: "hi"},
		"too short":     {To: "+4612", Text: "hi"},
		"too long":      {To: "+1234567890123456", Text: "hi"},
		"leading zero":  {To: "+0701234567", Text: "hi"},
		"spaces":        {To: "+46 70 123 45 67", Text: "hi"},
		"CRLF":          {To: "+46701234567\r\n", Text: "hi"},
		"text too long": {To: "+46701234567", Text: strings.Repeat("x", maxSMSRunes+1)},
	} {
		t.Run(name, func(t *testing.T) {
			if err := g.SendSMS(context.Background(), m); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	if n := len(rec.got()); n != 0 {
		t.Fatalf("gateway got %d requests for invalid messages", n)
	}
}

func TestGatewayOptionsRefused(t *testing.T) {
	base := GatewayOptions{URL: "https://sms.example.org/a1/sms", Username: "u", Password: "p", From: "+46700000000"}
	if _, err := NewGateway(base); err != nil {
		t.Fatalf("good options: %v", err)
	}
	for name, mutate := range map[string]func(o *GatewayOptions){
		"plain http":     func(o *GatewayOptions) { o.URL = "http://sms.example.org/a1/sms" },
		"relative":       func(o *GatewayOptions) { o.URL = "/a1/sms" },
		"userinfo":       func(o *GatewayOptions) { o.URL = "https://u:p@sms.example.org/a1/sms" },
		"no username":    func(o *GatewayOptions) { o.Username = "" },
		"no password":    func(o *GatewayOptions) { o.Password = "" },
		"long sender":    func(o *GatewayOptions) { o.From = "SecureMailboxAB" },
		"sender symbols": func(o *GatewayOptions) { o.From = "Bank\r\n" },
		"no sender":      func(o *GatewayOptions) { o.From = "" },
	} {
		t.Run(name, func(t *testing.T) {
			o := base
			mutate(&o)
			if _, err := NewGateway(o); err == nil {
				t.Fatal("NewGateway accepted bad options")
			}
		})
	}
}
