package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/securemailbox/securemailbox/internal/audit"
	"github.com/securemailbox/securemailbox/internal/blob"
)

// apiClient speaks the JSON API with a bearer token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (a *apiClient) call(method, path string, body any, out any) int {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			a.t.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

// apiAccount signs up over the API, verifies the mobile and logs in; it returns a client
// with the session token and the personal tenant id.
func apiAccount(t *testing.T, base, name, mobile string) (*apiClient, string) {
	t.Helper()
	a := &apiClient{t: t, base: base}
	email := fmt.Sprintf("%s-%d@example.com", name, time.Now().UnixNano())
	var created struct{ ID string }
	if st := a.call("POST", "/api/v1/accounts", map[string]string{"email": email, "password": "a residency test passphrase", "mobile": mobile, "name": name}, &created); st != 201 {
		t.Fatalf("sign up: %d", st)
	}
	code := latestSMSCode(t, base, mobile)
	if st := a.call("POST", "/api/v1/accounts/verify-mobile", map[string]string{"account_id": created.ID, "code": code}, nil); st != 200 {
		t.Fatalf("verify mobile: %d", st)
	}
	var sess struct{ Token string }
	if st := a.call("POST", "/api/v1/sessions", map[string]string{"email": email, "password": "a residency test passphrase"}, &sess); st != 201 {
		t.Fatalf("login: %d", st)
	}
	a.token = sess.Token
	var me struct {
		Tenants []struct{ ID string }
	}
	if st := a.call("GET", "/api/v1/me", nil, &me); st != 200 || len(me.Tenants) != 1 {
		t.Fatalf("me: %d %+v", st, me)
	}
	return a, me.Tenants[0].ID
}

func latestSMSCode(t *testing.T, base, to string) string {
	t.Helper()
	for _, it := range outbox(t, base, to) {
		if m := smsCodeRE.FindStringSubmatch(it.Body); it.Channel == "sms" && m != nil {
			return m[1]
		}
	}
	t.Fatalf("no SMS to %s", to)
	return ""
}

// filesUnder counts the object files under dir (temporary files excluded).
func filesUnder(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			n++
		}
		return nil
	})
	return n
}

// A tenant moves from se to de over the API: step-up first, another account cannot, the
// River job copies and verifies every object, the old region keeps no copy, and both the
// request and the completion are audited.
func TestResidencyMoveOverAPI(t *testing.T) {
	root := t.TempDir()
	conf := filepath.Join(root, "regions.toml")
	var b strings.Builder
	b.WriteString("default_region = \"se\"\n")
	for _, r := range []string{"se", "de"} {
		fmt.Fprintf(&b, "[[regions]]\nid = %q\nname = %q\n", r, strings.ToUpper(r))
		for _, site := range []string{"a", "b", "c"} {
			fmt.Fprintf(&b, "[[regions.sites]]\nname = %q\nkind = \"dir\"\ndir = %q\n", site, filepath.Join(root, r, site))
		}
	}
	if err := os.WriteFile(conf, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	base, sys := startDevServer(t, "--config", conf)
	owner, tenant := apiAccount(t, base, "owner", "+46701230001")
	other, _ := apiAccount(t, base, "other", "+46701230002")

	ctx := context.Background()
	payloads := [][]byte{[]byte("first ciphertext"), bytes.Repeat([]byte{7}, 3<<20), []byte("third")}
	var refs []blob.Ref
	for _, p := range payloads {
		ref, err := sys.blob.Put(ctx, blob.Scope{Tenant: tenant, Region: "se"}, bytes.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	if n := filesUnder(t, filepath.Join(root, "se")); n != 3*len(payloads) {
		t.Fatalf("se holds %d files before the move", n)
	}

	var apiErr struct{ Error struct{ Code string } }
	if st := owner.call("POST", "/api/v1/tenants/"+tenant+"/residency-move", map[string]string{"region": "de"}, &apiErr); st != 403 || apiErr.Error.Code != "step_up_required" {
		t.Fatalf("without step-up: %d %s", st, apiErr.Error.Code)
	}
	if st := other.call("POST", "/api/v1/tenants/"+tenant+"/residency-move", map[string]string{"region": "de"}, &apiErr); st != 404 {
		t.Fatalf("another account: %d", st)
	}
	if st := owner.call("POST", "/api/v1/me/step-up", map[string]string{}, nil); st != 202 {
		t.Fatalf("step-up start: %d", st)
	}
	var stepped struct{ Token string }
	if st := owner.call("POST", "/api/v1/me/step-up", map[string]string{"code": latestSMSCode(t, base, "+46701230001")}, &stepped); st != 200 {
		t.Fatalf("step-up: %d", st)
	}
	owner.token = stepped.Token
	if st := owner.call("POST", "/api/v1/tenants/"+tenant+"/residency-move", map[string]string{"region": "mars"}, &apiErr); st != 400 {
		t.Fatalf("unknown region: %d", st)
	}
	if st := owner.call("POST", "/api/v1/tenants/"+tenant+"/residency-move", map[string]string{"region": "de"}, nil); st != 202 {
		t.Fatalf("move: %d", st)
	}
	var status struct {
		Running      bool
		Total, Moved int64
		FinishedAt   *time.Time `json:"finished_at"`
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if st := owner.call("GET", "/api/v1/tenants/"+tenant+"/residency-move", nil, &status); st != 200 {
			t.Fatalf("status: %d", st)
		}
		if status.FinishedAt != nil && !status.Running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("move did not finish: %+v", status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status.Moved != int64(len(payloads)) || status.Total != int64(len(payloads)) {
		t.Errorf("progress %+v", status)
	}
	if n := filesUnder(t, filepath.Join(root, "se")); n != 0 {
		t.Errorf("se still holds %d files after the move", n)
	}
	if n := filesUnder(t, filepath.Join(root, "de")); n != 3*len(payloads) {
		t.Errorf("de holds %d files", n)
	}
	for i, ref := range refs {
		rc, err := sys.blob.Get(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, payloads[i]) {
			t.Errorf("object %d changed in the move", i)
		}
	}
	events, _, err := sys.audit.List(ctx, tenant, audit.Filter{Action: "tenant.residency"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, ",") != "tenant.residency.moved,tenant.residency.move_requested" {
		t.Errorf("audit: %v", actions)
	}
}

// The public documents skip the session middleware: a dead session cookie gets no
// Set-Cookie on answers that shared caches may keep.
func TestPublicDocumentsSetNoCookies(t *testing.T) {
	base, _ := startDevServer(t)
	for _, path := range []string{"/api/v1/openapi.json", "/api/v1/regions"} {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Cookie", "__Host-session=dead-token-from-yesterday")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("%s: status %d, Set-Cookie %q", path, resp.StatusCode, resp.Header.Values("Set-Cookie"))
		}
	}
}
