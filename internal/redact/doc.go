// Package redact decides which names label secrets or content: the one rule that job
// arguments (ids only) and audit details (no secrets, codes, tokens or content) are held
// to. It imports nothing of the project.
package redact
