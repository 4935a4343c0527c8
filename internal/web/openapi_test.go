package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/securemailbox/securemailbox/internal/web"
)

func openAPIEnv(t *testing.T) *env {
	t.Helper()
	return newEnv(t, web.Options{}, func(d *web.Deps) { d.Areas = []web.Area{web.OpenAPIArea()} })
}

func TestOpenAPIServed(t *testing.T) {
	e := openAPIEnv(t)
	want, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, body := e.do(t, req("GET", web.OpenAPIPath, ""))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") || strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q is not cacheable", cc)
	}
	if body != string(want) {
		t.Error("the served document is not the embedded file")
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		resp, body = e.do(t, req("GET", web.OpenAPIPath, "", "If-None-Match", inm))
		if resp.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("If-None-Match %s: status %d, %d bytes", inm, resp.StatusCode, len(body))
		}
	}
	if resp, _ = e.do(t, req("GET", web.OpenAPIPath, "", "If-None-Match", `"other"`)); resp.StatusCode != http.StatusOK {
		t.Errorf("a stale ETag got %d", resp.StatusCode)
	}
}

// apiCodes are the error codes API.md lists; the document's code enum must name them all.
var apiCodes = []string{
	"invalid_request", "unknown_field", "invalid_code", "invalid_token", "invalid_cursor", "mobile_required", "weak_password",
	"unauthenticated", "invalid_credentials", "mfa_required", "insufficient_credit", "plan_limit_reached",
	"forbidden", "step_up_required", "verification_required", "account_suspended", "not_found",
	"already_read", "email_taken", "attachment_in_use", "idempotency_conflict", "keys_will_be_lost",
	"message_expired", "message_recalled", "too_large", "unsupported_media_type", "rate_limited",
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func TestOpenAPIDocument(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] != "SecureMailbox" || info["version"] != "1" {
		t.Errorf("info %v", info)
	}
	if servers, _ := doc["servers"].([]any); len(servers) != 1 || servers[0].(map[string]any)["url"] != "/" {
		t.Errorf("servers %v", doc["servers"])
	}

	// Every $ref anywhere resolves.
	walk(doc, func(v map[string]any) {
		if ref, ok := v["$ref"].(string); ok {
			if _, err := resolve(doc, ref); err != "" {
				t.Errorf("$ref %s: %s", ref, err)
			}
		}
	})

	schemes := mapAt(doc, "components", "securitySchemes")
	paths, _ := doc["paths"].(map[string]any)
	if len(paths) == 0 {
		t.Fatal("no paths")
	}
	ids := map[string]string{}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	for _, p := range sortedKeys(paths) {
		item := paths[p].(map[string]any)
		if !strings.HasPrefix(p, "/api/v1/") {
			t.Errorf("%s: not under /api/v1/", p)
		}
		for _, m := range httpMethods {
			o, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			where := strings.ToUpper(m) + " " + p
			id, _ := o["operationId"].(string)
			if id == "" {
				t.Errorf("%s: no operationId", where)
			} else if other, dup := ids[id]; dup {
				t.Errorf("%s: operationId %s also used by %s", where, id, other)
			}
			ids[id] = where
			if s, _ := o["summary"].(string); s == "" {
				t.Errorf("%s: no summary", where)
			}

			// Authentication is stated on every operation: [] for none.
			sec, ok := o["security"].([]any)
			if !ok {
				t.Errorf("%s: no security (use [] for none)", where)
			}
			for _, req := range sec {
				for name := range req.(map[string]any) {
					if _, ok := schemes[name]; !ok {
						t.Errorf("%s: unknown security scheme %s", where, name)
					}
				}
			}

			declared := map[string]bool{}
			for _, list := range []any{item["parameters"], o["parameters"]} {
				ps, _ := list.([]any)
				for _, x := range ps {
					pm := deref(doc, x)
					if pm["in"] == "path" {
						declared[pm["name"].(string)] = true
						if pm["required"] != true {
							t.Errorf("%s: path parameter %v not required", where, pm["name"])
						}
					}
				}
			}
			for _, m := range param.FindAllStringSubmatch(p, -1) {
				if !declared[m[1]] {
					t.Errorf("%s: path parameter %s not declared", where, m[1])
				}
			}

			responses, _ := o["responses"].(map[string]any)
			success := false
			for code, r := range responses {
				success = success || (len(code) == 3 && code[0] == '2')
				resp := deref(doc, r)
				headers, _ := resp["headers"].(map[string]any)
				if _, ok := headers["X-Request-Id"]; !ok {
					t.Errorf("%s %s: response does not declare X-Request-Id", where, code)
				}
				if _, ok := headers["Retry-After"]; code == "429" && !ok {
					t.Errorf("%s 429: response does not declare Retry-After", where)
				}
			}
			if !success {
				t.Errorf("%s: no 2xx response", where)
			}
			if def, _ := responses["default"].(map[string]any); def["$ref"] != "#/components/responses/Error" {
				t.Errorf("%s: default response is not the shared error response", where)
			}
		}
	}

	// The error envelope: {"error": {code, message, request_id, details: [{field, code}]}}.
	body := mapAt(doc, "components", "schemas", "ErrorBody", "properties")
	for _, f := range []string{"code", "message", "request_id", "details"} {
		if _, ok := body[f]; !ok {
			t.Errorf("ErrorBody lacks %s", f)
		}
	}
	if _, ok := mapAt(doc, "components", "schemas", "Error", "properties")["error"]; !ok {
		t.Error("Error lacks error")
	}
	enum := map[string]bool{}
	walk(mapAt(doc, "components", "schemas", "ErrorCode"), func(v map[string]any) {
		if list, ok := v["enum"].([]any); ok {
			for _, c := range list {
				enum[c.(string)] = true
			}
		}
	})
	for _, c := range apiCodes {
		if !enum[c] {
			t.Errorf("ErrorCode does not list %s", c)
		}
	}
}

// walk calls f for every object in v, depth first.
func walk(v any, f func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		f(x)
		for _, k := range sortedKeys(x) {
			walk(x[k], f)
		}
	case []any:
		for _, e := range x {
			walk(e, f)
		}
	}
}

// resolve follows a local JSON pointer reference ("#/a/b"); the error is "" when it resolves.
func resolve(doc map[string]any, ref string) (any, string) {
	ptr, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, "not a local reference"
	}
	var cur any = doc
	for _, tok := range strings.Split(ptr, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, "goes through a non-object at " + tok
		}
		if cur, ok = m[tok]; !ok {
			return nil, "no " + tok
		}
	}
	return cur, ""
}

// deref returns the object v, following its $ref (once is all the document needs).
func deref(doc map[string]any, v any) map[string]any {
	m, _ := v.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		target, _ := resolve(doc, ref)
		m, _ = target.(map[string]any)
	}
	return m
}

func mapAt(v map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		v, _ = v[k].(map[string]any)
	}
	return v
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
