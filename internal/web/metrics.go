package web

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

// unrouted labels requests that fasthttp refused before any route was looked at.
const unrouted = "(unrouted)"

// httpMetrics counts requests by method, route pattern and status. Route patterns, not raw
// paths, keep the label set bounded and keep ids and tokens out of the metrics.
type httpMetrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) (*httpMetrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &httpMetrics{registry: reg}
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "securemailbox", Subsystem: "http", Name: "requests_total",
		Help: "HTTP requests by method, route pattern and status.",
	}, []string{"method", "route", "status"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "securemailbox", Subsystem: "http", Name: "request_duration_seconds",
		Help:    "Time to answer HTTP requests, by method and route pattern.",
		Buckets: prometheus.DefBuckets,
	}, []string{"method", "route"})

	var err error
	if m.requests, err = register(reg, requests); err != nil {
		return nil, err
	}
	if m.duration, err = register(reg, duration); err != nil {
		return nil, err
	}
	if _, err = register(reg, collectors.NewGoCollector()); err != nil {
		return nil, err
	}
	if _, err = register(reg, collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, err
	}
	return m, nil
}

// register adds c to reg, or returns the collector already registered under the same
// name, so several servers (tests, a restart in-process) can share one registry.
func register[C prometheus.Collector](reg *prometheus.Registry, c C) (C, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	if err != nil {
		var zero C
		return zero, fmt.Errorf("web: register metrics: %w", err)
	}
	return c, nil
}

func (m *httpMetrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

// handler serves the registry in the Prometheus text format.
func (m *httpMetrics) handler() fiber.Handler {
	h := fasthttpadaptor.NewFastHTTPHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	return func(c *fiber.Ctx) error {
		h(c.Context())
		return nil
	}
}
