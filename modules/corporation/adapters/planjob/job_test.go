package planjob_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"vms/modules/corporation/adapters/gormrepo"
	"vms/modules/corporation/adapters/planjob"
	"vms/modules/corporation/domain"
	"vms/modules/corporation/fake"
	"vms/modules/corporation/service"
	"vms/platform/clock"
	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/events/eventstest"
)

func TestPlanExpiryJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		clock := clock.NewFake(start)
		repo := gormrepo.New(db)
		svc := service.New(repo, db, &fake.AdminAccounts{}, &eventstest.Recorder{}, clock)
		exp := func(d time.Duration) *time.Time { t := start.Add(d); return &t }
		soon, _ := repo.Create(ctx, domain.Details{Name: "soon", PlanType: domain.PlanPaid, PlanExpiredAt: exp(time.Hour)}, start)
		later, _ := repo.Create(ctx, domain.Details{Name: "later", PlanType: domain.PlanPaid, PlanExpiredAt: exp(48 * time.Hour)}, start)
		past, _ := repo.Create(ctx, domain.Details{Name: "past", PlanType: domain.PlanPaid, PlanExpiredAt: exp(-time.Hour)}, start)

		reg := prometheus.NewRegistry()
		r, err := planjob.NewRunner(svc, slog.New(slog.NewTextHandler(io.Discard, nil)), reg)
		if err != nil {
			t.Fatal(err)
		}
		job := planjob.NewJob(config.Config{PlanExpiryInterval: time.Minute}, r)
		if job.Interval != time.Minute || job.Name != planjob.Name {
			t.Fatalf("job %+v", job)
		}
		plans := func() map[int64]domain.Plan {
			out := map[int64]domain.Plan{}
			for _, id := range []int64{soon.ID, later.ID, past.ID} {
				c, err := repo.Get(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				out[id] = c.PlanType
			}
			return out
		}
		if err := job.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if got := counterValue(t, r.Counter()); got != 1 {
			t.Fatalf("counter %v after first run, want 1", got)
		}
		if p := plans(); p[past.ID] != domain.PlanFree || p[soon.ID] != domain.PlanPaid || p[later.ID] != domain.PlanPaid {
			t.Fatalf("after first run %v", p)
		}
		clock.Advance(2 * time.Hour)
		if err := job.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if p := plans(); p[soon.ID] != domain.PlanFree || p[later.ID] != domain.PlanPaid {
			t.Fatalf("after second run %v", p)
		}
		if got := counterValue(t, r.Counter()); got != 2 {
			t.Fatalf("counter %v, want 2", got)
		}
		if _, err := planjob.NewRunner(svc, slog.Default(), reg); err == nil {
			t.Fatal("registering the counter twice succeeded")
		}
	})
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
