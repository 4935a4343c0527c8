package blob

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/securemailbox/securemailbox/internal/testkit"
)

func TestParseTempKey(t *testing.T) {
	id := newObjectID()
	key := objectKey("tenant1", id)
	dir := filepath.ToSlash(filepath.Dir(key))
	for name, want := range map[string]bool{
		dir + "/" + tempName(id):                  true,
		dir + "/.notes.tmp":                       false,
		dir + "/." + id + ".tmp":                  false,
		dir + "/." + id + ".0123456789abcdeg.tmp": false,
		"t/backup/" + tempName(id):                false,
		"t/tenant1/zz/" + tempName(id):            false,
	} {
		got, ok := parseTempKey(name)
		if ok != want || (ok && got != id) {
			t.Errorf("parseTempKey(%q) = %q, %v; want %v", name, got, ok, want)
		}
	}
}

// Orphan collection removes only what the store wrote: an operator's file that merely
// looks like a temporary one, under the sites' tree, stays however old it is.
func TestOrphansLeaveForeignFilesAlone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, Options{})
	scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
	ref := f.put(scope, payload(1, 1000))
	dir := filepath.Dir(f.copyPath("se/a", ref))
	old := time.Now().Add(-48 * time.Hour)
	var foreign []string
	for _, p := range []string{
		filepath.Join(dir, ".notes.tmp"),
		filepath.Join(f.dirs["se/a"], "t", "backup", ".notes.tmp"),
		filepath.Join(f.dirs["se/a"], "t", "backup", tempName(ref.ID)),
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("mine"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
		foreign = append(foreign, p)
	}
	f.clock.Advance(48 * time.Hour)
	if _, err := f.s.CollectOrphans(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range foreign {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
	f.mustRead(ref, payload(1, 1000))
}
