// Package i18n owns the translated text of the product: embedded go-i18n catalogs, one TOML
// file per area and locale (locales/<area>.<lang>.toml), a Printer that formats messages,
// plurals, dates and money per locale, and the translation of fault.Error values at the edge.
//
// English ("en") and Swedish ("sv") are complete; a test fails when a key exists in one
// language but not in the other. It imports only internal/fault from the project.
package i18n
