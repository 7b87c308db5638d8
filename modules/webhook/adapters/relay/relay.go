// Package relay runs the webhook outbox relay in the background of every replica: it
// turns the deliveries that changes wrote without a job into River jobs, in batches
// (service.Relay says why). It runs shortly after each commit that wrote deliveries, and
// every sweep interval for those a dead process left behind.
package relay

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"vms/modules/webhook/ports"
	"vms/modules/webhook/service"
)

// Signal is the in-process wake-up of the relay: a channel of one, so Wake never blocks
// and wakes that come while one is pending merge into it.
type Signal struct{ c chan struct{} }

var _ ports.Waker = (*Signal)(nil)

// NewSignal builds the signal.
func NewSignal() *Signal { return &Signal{c: make(chan struct{}, 1)} }

// Wake asks the relay to run soon.
func (s *Signal) Wake() {
	select {
	case s.c <- struct{}{}:
	default:
	}
}

// Delay is how long the relay waits after a wake before it runs, so that the deliveries
// of a burst of changes are enqueued in one batch. It is the latency the relay adds to a
// delivery.
const Delay = 50 * time.Millisecond

// Sweep is how often the relay runs without a wake: it enqueues deliveries committed by
// a process that died before its relay ran, or by another replica that has not got to
// them yet. On PostgreSQL every replica sweeps; they take disjoint rows.
const Sweep = time.Second

// Relayer enqueues a batch of deliveries (service.Service.Relay).
type Relayer interface {
	Relay(ctx context.Context) (int, error)
}

// Runner runs the relay on wakes and sweeps until Stop.
type Runner struct {
	relay  Relayer
	signal *Signal
	log    *slog.Logger
	delay  time.Duration
	sweep  time.Duration
	stop   context.CancelFunc
	done   chan struct{}
}

// NewRunner builds the runner with the package's Delay and Sweep.
func NewRunner(r Relayer, s *Signal, log *slog.Logger) *Runner {
	return NewRunnerEvery(r, s, log, Delay, Sweep)
}

// NewRunnerEvery builds the runner with other timings (tests).
func NewRunnerEvery(r Relayer, s *Signal, log *slog.Logger, delay, sweep time.Duration) *Runner {
	return &Runner{relay: r, signal: s, log: log, delay: delay, sweep: sweep}
}

// Start starts the relay in the background; it sweeps at once, for what the previous run
// of the process left.
func (r *Runner) Start(context.Context) error {
	ctx, cancel := context.WithCancel(context.Background())
	r.stop, r.done = cancel, make(chan struct{})
	go r.loop(ctx)
	return nil
}

// Stop stops the relay and runs it a last time, within ctx, for the deliveries committed
// since its last run; whatever is left waits for another replica's sweep or the next
// start.
func (r *Runner) Stop(ctx context.Context) error {
	if r.stop == nil {
		return nil
	}
	r.stop()
	<-r.done
	r.drain(ctx)
	return nil
}

func (r *Runner) loop(ctx context.Context) {
	defer close(r.done)
	tick := time.NewTicker(r.sweep)
	defer tick.Stop()
	r.drain(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-r.signal.c:
			select {
			case <-ctx.Done():
				return
			case <-time.After(r.delay):
			}
		}
		// The wakes of the commits whose rows this run takes are spent; a wake that comes
		// during the run stays and brings another.
		select {
		case <-r.signal.c:
		default:
		}
		r.drain(ctx)
	}
}

// drain runs the relay until a run finds less than a full batch.
func (r *Runner) drain(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := r.relay.Relay(ctx)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				r.log.WarnContext(ctx, "webhook relay failed; the next sweep tries again", "err", err)
			}
			return
		}
		if n < service.RelayBatch {
			return
		}
	}
}
