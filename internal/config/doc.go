// Package config loads the one Config of a process from defaults, an optional TOML file,
// SECUREMAILBOX_* environment variables and command-line flags (in rising precedence),
// resolves *_FILE secrets, validates the result and prints it with secrets redacted.
// Only cmd/securemailbox imports it; every other package receives its own Options values.
package config
