package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"vms/platform/database"
)

// Metrics are the job metrics in /metrics: jobs in the queue by kind and state (read from
// River's table at scrape time), and per kind the attempts this replica finished, their
// run durations and their failures.
type Metrics struct {
	finished *prometheus.CounterVec
	failures *prometheus.CounterVec
	duration *prometheus.HistogramVec
	wait     *prometheus.HistogramVec
}

// NewMetrics registers the job metrics.
func NewMetrics(reg prometheus.Registerer, db *database.DB, log *slog.Logger) (*Metrics, error) {
	m := &Metrics{
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vms_job_attempts_total",
			Help: "Job attempts this replica finished, by kind and outcome (completed, failed, cancelled, snoozed).",
		}, []string{"kind", "outcome"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vms_job_failures_total",
			Help: "Job attempts that failed on this replica, by kind; a job is retried until its last attempt.",
		}, []string{"kind"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vms_job_duration_seconds",
			Help:    "Run time of job attempts on this replica, by kind.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600},
		}, []string{"kind"}),
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vms_job_queue_wait_seconds",
			Help:    "Time jobs waited available before a worker took them, by kind.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}, []string{"kind"}),
	}
	for _, c := range []prometheus.Collector{m.finished, m.failures, m.duration, m.wait, &queueCollector{db: db, log: log}} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) observe(ev *river.Event) {
	if ev.Job == nil {
		return
	}
	kind := ev.Job.Kind
	outcome := map[river.EventKind]string{
		river.EventKindJobCompleted: "completed",
		river.EventKindJobFailed:    "failed",
		river.EventKindJobCancelled: "cancelled",
		river.EventKindJobSnoozed:   "snoozed",
	}[ev.Kind]
	if outcome == "" {
		return
	}
	m.finished.WithLabelValues(kind, outcome).Inc()
	if outcome == "failed" {
		m.failures.WithLabelValues(kind).Inc()
	}
	if ev.JobStats != nil {
		m.duration.WithLabelValues(kind).Observe(ev.JobStats.RunDuration.Seconds())
		m.wait.WithLabelValues(kind).Observe(ev.JobStats.QueueWaitDuration.Seconds())
	}
}

// queueCollector counts River's jobs by kind and state when /metrics is scraped: the
// whole queue, shared by every replica.
type queueCollector struct {
	db  *database.DB
	log *slog.Logger
}

var queueDesc = prometheus.NewDesc("vms_jobs", "Jobs in the queue (all replicas) by kind and state.", []string{"kind", "state"}, nil)

func (q *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDesc }

func (q *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var rows []struct {
		Kind  string
		State string
		N     int64
	}
	if err := q.db.Gorm.WithContext(ctx).Raw("SELECT kind, state, COUNT(*) AS n FROM river_job GROUP BY kind, state").Scan(&rows).Error; err != nil {
		q.log.Warn("job metrics: count jobs", "err", err)
		return
	}
	for _, r := range rows {
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(r.N), r.Kind, r.State)
	}
}
