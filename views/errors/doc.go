// Package errors holds the error page: a calm heading for the status, the safe translated
// message, a reference (the request id) to quote to support, and a way back.
//
// The name shadows the standard library's errors inside importers; import it as errpage
// where both are needed.
package errors
