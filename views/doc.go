// Package views holds the web interface: templ components and pages, and the static assets
// (one stylesheet, one small script, the favicon) that the web layer serves under /static/.
//
// The pages live in sub-packages by area — layout (the shell around every page), components
// (form fields, buttons, alerts), home, auth, account, dev and errors. Each page takes a
// layout.Page plus a plain props struct that the handler fills from domain values; the views
// never load anything themselves.
//
// Rules that keep the views safe under a strict Content-Security-Policy and usable for
// everyone:
//   - no I/O and no domain imports: views import only internal/i18n, templ and the
//     standard library;
//   - every string a person reads comes from the catalogs (locales/views.<lang>.toml in
//     internal/i18n), translated with the printer in the render context;
//   - no inline script, no style attributes, no unescaped HTML; URLs go through templ's
//     URL sanitizing or the helpers in components;
//   - every POST form carries the CSRF token, and every form works without JavaScript.
package views
