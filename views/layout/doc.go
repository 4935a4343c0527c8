// Package layout is the shell around every page: document head, skip link, header with the
// product name or the tenant's branding, navigation that folds into a menu on phones (a
// <details>, no script), the language switcher, the flash notice, the dev-mode banner and
// the footer.
//
// Handlers fill a Page for every response; pages pass it to Shell and render their own
// content as its children.
package layout
