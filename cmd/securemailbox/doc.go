// Command securemailbox is the one binary of SecureMailbox: `serve` runs the web server and
// the background jobs, `migrate` brings the database schema up to date, `doctor` checks the
// configuration, the database's durability settings, the data directory and the blob sites,
// and `admin` holds operator tasks (master-key generation and rotation, blob scrub).
// wire.go is the one place that builds everything, in order, and closes it in reverse.
package main
