package worker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"vms/modules/webhook/domain"
	"vms/modules/webhook/service"
)

type deliverer struct {
	try service.Try
	out service.Outcome
	err error
}

func (d *deliverer) Deliver(_ context.Context, _ int64, try service.Try) (service.Outcome, error) {
	d.try = try
	return d.out, d.err
}

func job(attempt, maxAttempts int) *river.Job[Args] {
	return &river.Job[Args]{JobRow: &rivertype.JobRow{ID: 77, Attempt: attempt, MaxAttempts: maxAttempts}, Args: Args{DeliveryID: 5}}
}

func TestJobOptions(t *testing.T) {
	opts := Args{}.InsertOpts()
	if (Args{}).Kind() != "webhook_deliver" || opts.Queue != QueueName || opts.MaxAttempts != domain.MaxAttempts {
		t.Fatalf("kind %s opts %+v", Args{}.Kind(), opts)
	}
	if q := Queue(); q.Name != QueueName || q.MaxWorkers < 1 {
		t.Fatalf("queue %+v", q)
	}
}

// Work hands the service the schedule River follows, and counts what was sent.
func TestWorkFollowsTheSchedule(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	d := &deliverer{out: service.Outcome{Sent: true, OK: false, EventType: "view.first", Duration: time.Millisecond}, err: errors.New("HTTP 500")}
	w := NewWorker(d, m)
	j := job(3, domain.MaxAttempts)
	before := time.Now()
	if err := w.Work(context.Background(), j); err == nil {
		t.Fatal("a failed attempt returned no error")
	}
	want := domain.RetryDelay(3, 77)
	if d.try.Last || d.try.Next.Before(before.Add(want).Add(-time.Second)) || d.try.Next.After(time.Now().Add(want)) {
		t.Fatalf("try %+v, want the next attempt in %s", d.try, want)
	}
	if next := w.NextRetry(j); !next.Equal(d.try.Next) && next.Sub(d.try.Next).Abs() > time.Second {
		t.Fatalf("NextRetry %s, recorded %s", next, d.try.Next)
	}
	d.err, d.out.OK, d.out.Disabled = nil, true, false
	if err := w.Work(context.Background(), job(domain.MaxAttempts, domain.MaxAttempts)); err != nil || !d.try.Last {
		t.Fatalf("last attempt: %v, try %+v", err, d.try)
	}
	if n := value(t, m.attempts.WithLabelValues("view.first", "failed")); n != 1 {
		t.Fatalf("failed attempts %v", n)
	}
	if n := value(t, m.attempts.WithLabelValues("view.first", "succeeded")); n != 1 {
		t.Fatalf("succeeded attempts %v", n)
	}
	d.out = service.Outcome{} // nothing sent: not counted
	_ = w.Work(context.Background(), job(1, domain.MaxAttempts))
	if n := value(t, m.attempts.WithLabelValues("view.first", "failed")) + value(t, m.attempts.WithLabelValues("view.first", "succeeded")); n != 2 {
		t.Fatalf("%v attempts counted, want 2", n)
	}
	if w.Timeout(j) <= 10*time.Second {
		t.Fatalf("timeout %s must exceed the request's 10 s", w.Timeout(j))
	}
}

func value(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
