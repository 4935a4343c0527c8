package keys

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCryptoImports keeps crypto primitives inside this package: outside it, only the
// exceptions doc.go states are allowed, and test files are free.
func TestCryptoImports(t *testing.T) {
	allowed := map[string]map[string]bool{
		"internal/blob":   {"crypto/sha256": true},
		"views":           {"crypto/sha256": true},
		"internal/web":    {"crypto/tls": true},
		"internal/notify": {"crypto/tls": true},
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "data" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		dir := filepath.ToSlash(filepath.Dir(rel))
		if dir == "internal/keys" {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(p, "crypto/") && !strings.HasPrefix(p, "golang.org/x/crypto") {
				continue
			}
			if !allowed[dir][p] {
				t.Errorf("%s imports %s: crypto primitives belong in internal/keys", rel, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked only %d files: the walk missed the module", checked)
	}
}
