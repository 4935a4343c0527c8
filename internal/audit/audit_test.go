package audit

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func validEvent() Event {
	return Event{
		TenantID: "tenant-a", Actor: ActorAnonymous, Action: "auth.login.failure",
		ObjectKind: "account", ObjectID: "acc1", Result: ResultFailure, IP: "192.0.2.7",
		Detail: map[string]string{"reason": "bad_password", "user_agent": "Firefox"},
	}
}

func TestValidate(t *testing.T) {
	if err := validEvent().Validate(); err != nil {
		t.Fatalf("valid event: %v", err)
	}
	cases := map[string]func(e *Event){
		"no tenant":          func(e *Event) { e.TenantID = "" },
		"no action":          func(e *Event) { e.Action = "" },
		"undotted action":    func(e *Event) { e.Action = "login" },
		"upper-case action":  func(e *Event) { e.Action = "Auth.Login" },
		"action with space":  func(e *Event) { e.Action = "auth.login failure" },
		"action trailing":    func(e *Event) { e.Action = "auth.login." },
		"no actor":           func(e *Event) { e.Actor = "" },
		"actor newline":      func(e *Event) { e.Actor = "acc1\nforged line" },
		"no result":          func(e *Event) { e.Result = "" },
		"unknown result":     func(e *Event) { e.Result = "ok" },
		"bad ip":             func(e *Event) { e.IP = "not-an-ip" },
		"object id alone":    func(e *Event) { e.ObjectKind = "" },
		"bad object kind":    func(e *Event) { e.ObjectKind = "Account!" },
		"bad detail key":     func(e *Event) { e.Detail = map[string]string{"a b": "x"} },
		"huge detail value":  func(e *Event) { e.Detail = map[string]string{"note": strings.Repeat("x", 2000)} },
		"invalid utf8 value": func(e *Event) { e.Detail = map[string]string{"note": "\xff"} },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			e := validEvent()
			mutate(&e)
			if err := e.Validate(); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestSecretDetailKeysRefused(t *testing.T) {
	for _, key := range []string{
		"password", "new_password", "Password", "secret", "client_secret", "token", "reset_token",
		"resetToken", "code", "sms_code", "recovery_code", "key", "link_key", "apiKey", "passphrase",
		"recovery_codes", "tokens", "passwords", "keys_kept", "subject", "body", "content",
	} {
		t.Run(key, func(t *testing.T) {
			e := validEvent()
			e.Detail = map[string]string{key: "hunter2-value"}
			err := e.Validate()
			if !errors.Is(err, ErrSecretDetail) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrSecretDetail", err)
			}
			if strings.Contains(err.Error(), "hunter2-value") {
				t.Errorf("error repeats the value: %v", err)
			}
		})
	}
	for _, key := range []string{"reason", "method", "token_id", "code_id", "user_agent", "factor", "old_pair_kept", "public_key_id"} {
		e := validEvent()
		e.Detail = map[string]string{key: "x"}
		if err := e.Validate(); err != nil {
			t.Errorf("key %q refused: %v", key, err)
		}
	}
}

func TestNormalize(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
	e := Event{IP: "::ffff:192.0.2.1"}.normalize(func() time.Time { return now })
	if e.At.Location() != time.UTC || e.At.Nanosecond() != 123456000 || !e.At.Equal(now.Truncate(time.Microsecond)) {
		t.Errorf("at = %v", e.At)
	}
	if e.IP != "192.0.2.1" {
		t.Errorf("ip = %q", e.IP)
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := cursor{at: time.Date(2026, 12, 1, 10, 0, 0, 5000, time.UTC), id: "01abc"}
	got, err := decodeCursor(c.encode())
	if err != nil || !got.at.Equal(c.at) || got.id != c.id {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	for _, bad := range []string{"!!", "bm90LWEtY3Vyc29y", c.encode() + "x"} {
		if _, err := decodeCursor(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("decodeCursor(%q) err = %v", bad, err)
		}
	}
}

// TestNoUpdateOrDeletePath keeps the package append-only: no non-test file builds an UPDATE
// or DELETE.
func TestNoUpdateOrDeletePath(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				switch n.Sel.Name {
				case "NewUpdate", "NewDelete", "NewTruncateTable", "NewMerge":
					t.Errorf("%s: %s is not allowed in an append-only log", fset.Position(n.Pos()), n.Sel.Name)
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					s, _ := strconv.Unquote(n.Value)
					up := strings.ToUpper(s)
					for _, verb := range []string{"UPDATE ", "DELETE ", "TRUNCATE ", "REPLACE "} {
						if strings.Contains(up, verb) {
							t.Errorf("%s: SQL %q in an append-only log", fset.Position(n.Pos()), verb)
						}
					}
				}
			}
			return true
		})
	}
}
