package service

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"vms/modules/usage/domain"
	"vms/modules/usage/ports"
)

// Meter counts egress bytes and first views per corporation and UTC day in memory and
// writes them with Flush: one upsert per (corporation, day) in one transaction, so a
// stream response costs a map lookup and an atomic add, never a write. Counts not yet
// flushed live only in this process: a crash loses at most one flush interval of them,
// and a flush that fails keeps them for the next.
type Meter struct {
	repo  ports.Repository
	uow   ports.UnitOfWork
	clock ports.Clock
	log   *slog.Logger

	counts sync.Map // meterKey → *counter
	flush  sync.Mutex

	// Written to the database by this replica since it started.
	egressTotal atomic.Int64
	viewsTotal  atomic.Int64
	failures    atomic.Int64

	stop chan struct{}
	done chan struct{}
}

type meterKey struct {
	corporationID int64
	day           domain.Day
}

type counter struct{ egress, views atomic.Int64 }

// NewMeter builds a meter.
func NewMeter(repo ports.Repository, uow ports.UnitOfWork, clock ports.Clock, log *slog.Logger) *Meter {
	if log == nil {
		log = slog.Default()
	}
	return &Meter{repo: repo, uow: uow, clock: clock, log: log}
}

// Served counts body bytes a response wrote to a client of the corporation's video, as
// written: a client that hangs up is charged what it got.
func (m *Meter) Served(corporationID, bytes int64) {
	if bytes <= 0 || corporationID == 0 {
		return
	}
	m.counter(corporationID).egress.Add(bytes)
}

// FirstView counts a user's first view of one of the corporation's videos.
func (m *Meter) FirstView(corporationID int64) {
	if corporationID == 0 {
		return
	}
	m.counter(corporationID).views.Add(1)
}

func (m *Meter) counter(corporationID int64) *counter {
	k := meterKey{corporationID: corporationID, day: domain.DayOf(m.clock.Now())}
	if c, ok := m.counts.Load(k); ok {
		return c.(*counter)
	}
	c, _ := m.counts.LoadOrStore(k, new(counter))
	return c.(*counter)
}

// take empties the counters and returns what they held, ordered by corporation and day
// (so concurrent flushes of several replicas lock rows in one order). Counters of days
// before yesterday are dropped once empty: nothing counts into them any more.
func (m *Meter) take() []domain.Traffic {
	yesterday := domain.DayOf(m.clock.Now()) - 1
	var out []domain.Traffic
	m.counts.Range(func(key, value any) bool {
		k, c := key.(meterKey), value.(*counter)
		t := domain.Traffic{CorporationID: k.corporationID, Day: k.day, EgressBytes: c.egress.Swap(0), FirstViews: c.views.Swap(0)}
		if t.EgressBytes != 0 || t.FirstViews != 0 {
			out = append(out, t)
		}
		if k.day < yesterday {
			m.counts.Delete(k)
		}
		return true
	})
	slices.SortFunc(out, func(a, b domain.Traffic) int {
		return cmp.Or(cmp.Compare(a.CorporationID, b.CorporationID), cmp.Compare(a.Day, b.Day))
	})
	return out
}

// giveBack returns counts a failed flush could not write, for the next flush.
func (m *Meter) giveBack(ts []domain.Traffic) {
	for _, t := range ts {
		c, _ := m.counts.LoadOrStore(meterKey{corporationID: t.CorporationID, day: t.Day}, new(counter))
		c.(*counter).egress.Add(t.EgressBytes)
		c.(*counter).views.Add(t.FirstViews)
	}
}

// Flush writes the counts gathered since the last flush in one transaction. On failure
// they are kept for the next flush.
func (m *Meter) Flush(ctx context.Context) error {
	m.flush.Lock()
	defer m.flush.Unlock()
	ts := m.take()
	if len(ts) == 0 {
		return nil
	}
	err := m.uow.Do(ctx, func(ctx context.Context) error { return m.repo.AddTraffic(ctx, ts) })
	if err != nil {
		m.giveBack(ts)
		m.failures.Add(1)
		return fmt.Errorf("flush usage: %w", err)
	}
	var egress, views int64
	for _, t := range ts {
		egress += t.EgressBytes
		views += t.FirstViews
	}
	m.egressTotal.Add(egress)
	m.viewsTotal.Add(views)
	return nil
}

// Flushed returns what this replica has written since it started: egress bytes, first
// views, and the flushes that failed.
func (m *Meter) Flushed() (egress, firstViews, failures int64) {
	return m.egressTotal.Load(), m.viewsTotal.Load(), m.failures.Load()
}

// Start flushes every interval until Stop.
func (m *Meter) Start(interval time.Duration) {
	m.stop, m.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(m.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), max(interval, 10*time.Second))
				if err := m.Flush(ctx); err != nil {
					m.log.Warn("usage flush failed; the counts are kept for the next one", "err", err)
				}
				cancel()
			}
		}
	}()
}

// Stop ends the periodic flushes and flushes what is left, within ctx.
func (m *Meter) Stop(ctx context.Context) error {
	if m.stop != nil {
		close(m.stop)
		<-m.done
		m.stop = nil
	}
	return m.Flush(ctx)
}
