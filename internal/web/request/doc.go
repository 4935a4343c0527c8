// Package request holds the per-request helpers that every area's http_*.go handlers use:
// the request id, the chosen language (Printer and a context that carries it), the CSRF
// token for forms, the client address as far as trusted proxies vouch for it, strict JSON
// decoding, buffered rendering of templ components and JSON, copied form values, __Host-
// cookies and one-shot flash notices.
//
// The middleware in internal/web fills the per-request state (SetID, SetClientIP,
// SetLanguages) before any area handler runs; handlers only read it. Handlers pass
// Context(c) to services and templates, never *fiber.Ctx, and copy what outlives the
// handler (the helpers here already return copies).
//
// It must not import internal/web (which imports the areas, which import this package) nor
// any domain package; from the project it imports only internal/fault and internal/i18n.
package request
