// Package fault defines the one error type that crosses from services to the edge: an error
// with a kind (which the web layer maps to an HTTP status), a stable snake_case API code, an
// i18n message key with arguments (translated at the edge, never err.Error()), optional field
// details, an optional Retry-After and a wrapped cause for the logs.
//
// It imports nothing of the project and is imported by every layer that reports errors to users.
package fault
