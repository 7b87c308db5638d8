package usage

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"vms/modules/usage/service"
)

var (
	egressDesc = prometheus.NewDesc("vms_usage_egress_bytes_total",
		"Body bytes of stream and HLS responses this replica wrote to clients and has flushed to usage_days.", nil, nil)
	viewsDesc = prometheus.NewDesc("vms_usage_first_views_total",
		"First views this replica counted and has flushed to usage_days.", nil, nil)
	failuresDesc = prometheus.NewDesc("vms_usage_flush_failures_total",
		"Usage flushes of this replica that failed (their counts wait for the next flush).", nil, nil)
	storedDesc = prometheus.NewDesc("vms_usage_stored_bytes",
		"Bytes all corporations store: originals and derived files, deleted videos included (read at scrape time).", nil, nil)
	reservedDesc = prometheus.NewDesc("vms_usage_reserved_bytes",
		"Bytes reserved by uploads in progress, all corporations (read at scrape time).", nil, nil)
)

// collector reports the usage totals: this replica's flushed counts, and the stored and
// reserved bytes of every corporation, without a label per corporation.
type collector struct {
	svc   *service.Ledger
	meter *service.Meter
	log   *slog.Logger
}

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{egressDesc, viewsDesc, failuresDesc, storedDesc, reservedDesc} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	egress, views, failures := c.meter.Flushed()
	ch <- prometheus.MustNewConstMetric(egressDesc, prometheus.CounterValue, float64(egress))
	ch <- prometheus.MustNewConstMetric(viewsDesc, prometheus.CounterValue, float64(views))
	ch <- prometheus.MustNewConstMetric(failuresDesc, prometheus.CounterValue, float64(failures))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	stored, reserved, err := c.svc.Totals(ctx)
	if err != nil {
		c.log.Warn("usage metrics: sum accounts", "err", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(storedDesc, prometheus.GaugeValue, float64(stored))
	ch <- prometheus.MustNewConstMetric(reservedDesc, prometheus.GaugeValue, float64(reserved))
}

func registerMetrics(reg prometheus.Registerer, svc *service.Ledger, meter *service.Meter, log *slog.Logger) error {
	return reg.Register(collector{svc: svc, meter: meter, log: log})
}
