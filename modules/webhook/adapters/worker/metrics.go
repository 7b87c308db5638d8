package worker

import (
	"github.com/prometheus/client_golang/prometheus"

	"vms/modules/webhook/service"
)

// Metrics are the webhook metrics in /metrics: delivery attempts by event type and
// outcome with their durations, and endpoints disabled for failing. (The jobs themselves
// show in vms_jobs{kind="webhook_deliver"}.)
type Metrics struct {
	attempts *prometheus.CounterVec
	duration *prometheus.HistogramVec
	disabled prometheus.Counter
}

// NewMetrics registers the metrics.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vms_webhook_attempts_total",
			Help: "Webhook delivery attempts this replica made, by event type and outcome (succeeded: a 2xx answer; failed: anything else).",
		}, []string{"type", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vms_webhook_attempt_duration_seconds",
			Help:    "Time from sending a webhook request to the end of its answer (or its failure), by outcome.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"outcome"}),
		disabled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vms_webhook_endpoints_disabled_total",
			Help: "Webhook endpoints this replica disabled because their deliveries failed for a day.",
		}),
	}
	for _, c := range []prometheus.Collector{m.attempts, m.duration, m.disabled} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) observe(o service.Outcome) {
	if m == nil || !o.Sent {
		return
	}
	outcome := "failed"
	if o.OK {
		outcome = "succeeded"
	}
	m.attempts.WithLabelValues(o.EventType, outcome).Inc()
	m.duration.WithLabelValues(outcome).Observe(o.Duration.Seconds())
	if o.Disabled {
		m.disabled.Inc()
	}
}
