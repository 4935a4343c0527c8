package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Path parameters as fiber writes them (":id") and as OpenAPI does ("{id}").
var (
	fiberParam   = regexp.MustCompile(`:([A-Za-z0-9_]+)`)
	openAPIParam = regexp.MustCompile(`\{[^}]+\}`)
)

// openAPIOperation is one method and path of the OpenAPI document.
type openAPIOperation struct {
	Method, Path string
	Security     []map[string][]string
}

func (o openAPIOperation) String() string { return o.Method + " " + o.Path }

// openAPIOperations reads the document the server serves and returns its operations.
func openAPIOperations(t *testing.T, base string) map[string]openAPIOperation {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d", resp.StatusCode)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	ops := map[string]openAPIOperation{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
			default:
				continue // parameters, summary, ... of the path item
			}
			var o struct {
				Security []map[string][]string `json:"security"`
			}
			if err := json.Unmarshal(raw, &o); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			op := openAPIOperation{Method: strings.ToUpper(method), Path: path, Security: o.Security}
			ops[op.String()] = op
		}
	}
	return ops
}

// TestOpenAPIMatchesRoutes holds the OpenAPI document to the routes the real server (dev
// mode, so the dev outbox is there) mounts under /api/v1/, both ways, and checks that
// the operations it marks as needing no authentication are the ones that answer without it.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	base, sys := startDevServer(t)
	documented := openAPIOperations(t, base)

	// The same wiring again, for its route table (the running server's is not reachable).
	srv, err := newWebServer(sys)
	if err != nil {
		t.Fatal(err)
	}
	mounted := map[string]bool{}
	for _, r := range srv.App().GetRoutes(true) {
		// fiber mounts HEAD beside every GET; OpenAPI implies it.
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead {
			continue
		}
		if strings.ContainsAny(r.Path, "*+?") {
			t.Errorf("%s %s: a wildcard or optional parameter has no OpenAPI form", r.Method, r.Path)
		}
		mounted[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	if len(mounted) == 0 {
		t.Fatal("the server mounts nothing under /api/v1/")
	}
	for _, k := range sortedOps(mounted) {
		if _, ok := documented[k]; !ok {
			t.Errorf("%s is mounted but not in the OpenAPI document", k)
		}
	}
	for k := range documented {
		if !mounted[k] {
			t.Errorf("%s is in the OpenAPI document but not mounted", k)
		}
	}

	// Without credentials an operation that needs them answers 401; one marked
	// "security: []" does not (it may still refuse the empty request otherwise).
	for _, k := range sortedOps(documented) {
		op := documented[k]
		path := openAPIParam.ReplaceAllString(op.Path, "x")
		req, err := http.NewRequest(op.Method, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-Id", k)
		}
		needsAuth := len(op.Security) > 0 // the document has no top-level security
		if got := resp.StatusCode == http.StatusUnauthorized; got != needsAuth {
			t.Errorf("%s without credentials: %d, but the document says authentication needed: %v", k, resp.StatusCode, needsAuth)
		}
	}
}

func sortedOps[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
