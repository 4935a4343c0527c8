// Package tenants owns tenants (the unit of billing, residency, branding and policy) and
// their memberships. Every account gets a personal tenant at sign-up; organizations are
// tenants with many members (the Organizer issue adds invitations, branding and SSO
// settings). The per-request tenant Scope that every tenant-scoped query takes its
// tenant id from arrives with the first tenant-scoped data (messages).
//
// It imports only internal packages (db, fault); policy and the areas above import it.
package tenants
