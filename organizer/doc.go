// Package organizer holds the Organizer console: the use cases and HTTP handlers with which
// organization owners, admins and finance staff run their tenant (members, roles, shared
// mailboxes, branding, credit, residency, audit). It orchestrates the L2 packages and is
// imported only by internal/web.
//
// The console is built by a later issue; this package holds no code yet.
package organizer
