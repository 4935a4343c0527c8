// Package web owns SecureMailbox's HTTP server: the fiber app, its middleware, the central
// ErrorHandler, the routes that belong to no area (/healthz, /readyz, /metrics, /static/,
// POST /lang) and the listeners (HTTPS with a modern TLS policy, the HTTP-to-HTTPS
// redirect, graceful shutdown). Each domain area mounts its own routes through the Area
// interface; handlers use package request for per-request state and responses.
//
// Every request passes, in order: observe (a fresh request id, the client address as
// trusted proxies report it, the language choice, panic recovery, turning errors into
// responses, then metrics and the access log, which therefore see the final status),
// secure headers (CSP, HSTS, no-store outside /static/ ...) and CSRF. The body limit is
// enforced by fasthttp while reading, before any middleware; its 413 goes through the same
// ErrorHandler, which is why that handler sets the request id and headers itself.
//
// Errors: handlers return *fault.Error values; the ErrorHandler maps their kind to a status
// and renders a translated safe message as JSON under /api/ or as an HTML page elsewhere.
// err.Error() reaches only the log.
//
// Main types: Server (New, App, Run), Options, Deps, Area, and DevOutbox (the dev-mode
// viewer of captured e-mail and SMS, an Area mounted only in dev mode). It imports
// internal/fault, internal/i18n, internal/notify, internal/web/request and the views from
// the project, and no domain package: areas arrive as Area values from the wiring in cmd.
package web
