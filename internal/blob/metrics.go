package blob

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the store's Prometheus collectors.
type metrics struct {
	findings  *prometheus.CounterVec // a copy found missing, corrupt or unreachable
	repairs   *prometheus.CounterVec // copies rewritten, by result
	degraded  *prometheus.CounterVec // writes acknowledged without this site
	deletions *prometheus.CounterVec // erasures deferred to a job because the site was down
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "securemailbox", Subsystem: "blob", Name: "findings_total",
			Help: "Copies found missing, corrupt or unreachable, by site, problem and where (read, repair, scrub).",
		}, []string{"site", "problem", "source"}),
		repairs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "securemailbox", Subsystem: "blob", Name: "repairs_total",
			Help: "Copies rewritten from a verified copy, by site and result.",
		}, []string{"site", "result"}),
		degraded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "securemailbox", Subsystem: "blob", Name: "degraded_writes_total",
			Help: "Writes acknowledged on two sites while this site failed.",
		}, []string{"site"}),
		deletions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "securemailbox", Subsystem: "blob", Name: "deferred_deletions_total",
			Help: "Erasures left to a retried job because the site failed.",
		}, []string{"site"}),
	}
	if reg != nil {
		m.findings = register(reg, m.findings)
		m.repairs = register(reg, m.repairs)
		m.degraded = register(reg, m.degraded)
		m.deletions = register(reg, m.deletions)
	}
	return m
}

// register adds c to reg, or returns the collector already registered under its name (a
// second Store on the same registry shares the counters).
func register(reg prometheus.Registerer, c *prometheus.CounterVec) *prometheus.CounterVec {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
				return existing
			}
		}
	}
	return c
}
