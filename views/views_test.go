package views_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/securemailbox/securemailbox/views"
)

func TestAssets(t *testing.T) {
	for _, name := range []string{"app.css", "app.js", "favicon.svg"} {
		data, err := fs.ReadFile(views.Assets, "assets/"+name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s := string(data)
		for _, bad := range []string{"http://", "https://", "@import", "@font-face", "eval(", "innerHTML", "document.write"} {
			if name == "favicon.svg" && bad == "http://" {
				continue // the SVG namespace
			}
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
		if u := views.AssetURL(name); !strings.HasPrefix(u, "/static/"+name+"?v=") {
			t.Errorf("AssetURL(%q) = %q", name, u)
		}
	}
	if views.AssetURL("nope.css") != "/static/nope.css" {
		t.Error("unknown asset")
	}
}

// sources returns the hand-written view sources: .templ files and Go files other than
// generated code and tests.
func sources(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(path, "_templ.go") || strings.HasSuffix(path, "_test.go") || strings.HasPrefix(path, "internal") {
			return nil
		}
		if strings.HasSuffix(path, ".templ") || strings.HasSuffix(path, ".go") {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out[path] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSourcesStayInsideTheRules(t *testing.T) {
	for path, s := range sources(t) {
		for _, bad := range []string{"templ.Raw", "style=", "<script>", "<style", "onclick", "templ.JSFuncCall", "templ.SafeScript"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s uses %s", path, bad)
			}
		}
		if strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".templ") {
			for _, imp := range regexp.MustCompile(`"github.com/securemailbox/securemailbox/([^"]+)"`).FindAllStringSubmatch(s, -1) {
				if p := imp[1]; p != "internal/i18n" && !strings.HasPrefix(p, "views") {
					t.Errorf("%s imports %s; views import only internal/i18n", path, p)
				}
			}
		}
	}
}

var (
	catalogKey = regexp.MustCompile(`(?m)^\s*(?:"([^"]+)"\s*=|\[\s*"([^"]+)"\s*\])`)
	usedKey    = regexp.MustCompile(`"((?:[a-z_]+)\.[a-z0-9_.]+)"`)
)

func catalogKeys(t *testing.T, lang string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "internal", "i18n", "locales", "views."+lang+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, m := range catalogKey.FindAllStringSubmatch(string(data), -1) {
		keys[m[1]+m[2]] = true
	}
	return keys
}

// Keys built at run time (titles, which handlers translate; names looked up by code).
var dynamic = []string{"title.", "language.name.", "outbox.channel_", "errorpage.heading_"}

func TestCatalogMatchesSources(t *testing.T) {
	keys := catalogKeys(t, "en")
	if sv := catalogKeys(t, "sv"); len(sv) != len(keys) {
		t.Errorf("en has %d keys, sv %d", len(keys), len(sv))
	}
	all := strings.Builder{}
	for path, s := range sources(t) {
		all.WriteString(s)
		for _, m := range usedKey.FindAllStringSubmatch(s, -1) {
			k := m[1]
			if strings.HasSuffix(k, ".") || strings.HasSuffix(k, "_") || strings.Contains(k, ".css") || strings.Contains(k, ".js") || strings.Contains(k, ".svg") {
				continue
			}
			if !keys[k] {
				t.Errorf("%s uses %q, which the catalog lacks", path, k)
			}
		}
	}
	used := all.String()
	for k := range keys {
		isDynamic := false
		for _, p := range dynamic {
			isDynamic = isDynamic || strings.HasPrefix(k, p)
		}
		if !isDynamic && !strings.Contains(used, `"`+k+`"`) {
			t.Errorf("catalog key %q is not used", k)
		}
	}
	for _, page := range []string{"home", "signup", "verify", "confirm_email", "login", "mfa", "recovery_codes", "reset_request", "reset_sent", "reset", "profile", "security", "step_up", "totp_setup", "backup_phone", "sessions", "outbox", "error"} {
		if !keys["title."+page] {
			t.Errorf("no title.%s", page)
		}
	}
}
