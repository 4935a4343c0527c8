// Package tenants owns tenants (the unit of billing, residency, branding and policy), their
// memberships and the per-request Scope that carries the tenant id every tenant-scoped query
// uses. Every account gets a personal tenant at sign-up; organizations are tenants with many
// members (the Organizer issue adds invitations, branding and SSO settings).
//
// It imports only internal packages (db, fault); policy and the areas above import it.
package tenants
