// Package testkit is for tests only: real databases (a migrated SQLite file per test, and the
// same on PostgreSQL in a throwaway schema when TEST_DATABASE_URL is set), a fake clock and
// small recorders. Fakes stand only at the edges of the world (SMS gateway, Stripe, the clock).
package testkit
