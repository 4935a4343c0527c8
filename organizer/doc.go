// Package organizer holds the Organizer console: the use cases and HTTP handlers with which
// organization owners, admins and finance staff run their tenant. It orchestrates the L2
// packages and tenants/policy, and is imported only by the wiring in cmd.
//
// Built so far: data residency — an owner or admin (after step-up) moves a tenant to
// another region; the tenant's new objects go there at once and a resumable, audited job
// copies, verifies and switches every stored object, then securely deletes the old copies.
// Members, roles, shared mailboxes, branding and the rest arrive with the Organizer issue.
package organizer
