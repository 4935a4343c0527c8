package views

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sync"
)

// Assets holds the static files (app.css, app.js, favicon.svg) under the directory "assets".
// The web layer serves them at /static/, e.g. with fs.Sub(Assets, "assets").
//
//go:embed assets
var Assets embed.FS

// versions maps each asset's name to a short hash of its content. Computed once from the
// embedded, read-only files, so it never changes while the process runs.
var versions = sync.OnceValue(func() map[string]string {
	v := map[string]string{}
	_ = fs.WalkDir(Assets, "assets", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(Assets, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		v[name[len("assets/"):]] = hex.EncodeToString(sum[:6])
		return nil
	})
	return v
})

// AssetURL returns the URL of a static asset with a content hash as its query string, so
// the web layer may let browsers cache /static/ for a long time.
func AssetURL(name string) string {
	if h, ok := versions()[name]; ok {
		return "/static/" + name + "?v=" + h
	}
	return "/static/" + name
}
