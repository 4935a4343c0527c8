// Package policy is the one place that answers "may X do Y on Z": a casbin RBAC model with
// domains (domain = tenant id). It is the only package that imports casbin and it imports
// only tenants from the domain.
//
// Roles and shared-mailbox access arrive with the Organizer issue; this package holds no code yet.
package policy
