// Package policy is the one place that answers "may X do Y on Z": a casbin RBAC model with
// domains (domain = tenant id). The roles' permissions are the embedded policy.csv; an
// account's role in a tenant comes from its membership (tenants), so a role change or a
// suspension takes effect on the next check. It is the only package that imports casbin,
// and it imports only tenants from the domain.
//
// A non-member is told the tenant does not exist (fault NotFound: existence is private);
// a member without the permission is refused (fault Forbidden).
package policy
