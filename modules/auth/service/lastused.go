package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"vms/modules/auth/ports"
)

// Last-use bookkeeping: a key's use is noted at most once per LastUsedResolution on each
// replica, and noted uses are written every LastUsedFlushInterval (and when the server
// stops, and before keys are listed). A busy key thus costs one UPDATE a minute per
// replica, never one per request.
const (
	LastUsedResolution    = time.Minute
	LastUsedFlushInterval = 15 * time.Second
)

// LastUsed keeps the last use of API keys in memory and writes it in batches. A write
// only moves last_used_at forward, so replicas that flush in any order agree. Uses noted
// but not yet written when the process dies are lost: last_used_at is a hint, at most a
// minute or so behind.
type LastUsed struct {
	repo  ports.APIKeys
	clock ports.Clock

	mu sync.Mutex
	// noted is the last use noted per key within the resolution; pending the uses not
	// yet written.
	noted   map[int64]time.Time
	pending map[int64]time.Time

	cancel context.CancelFunc
	done   chan struct{}
}

// NewLastUsed builds the bookkeeping; Start runs its writer.
func NewLastUsed(repo ports.APIKeys, clock ports.Clock) *LastUsed {
	return &LastUsed{repo: repo, clock: clock, noted: map[int64]time.Time{}, pending: map[int64]time.Time{}}
}

// Touch notes that the key was used at the given time, unless a use within the
// resolution is already noted.
func (l *LastUsed) Touch(id int64, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if prev, ok := l.noted[id]; ok && at.Sub(prev) < LastUsedResolution {
		return
	}
	l.noted[id] = at
	l.pending[id] = at
}

// Flush writes the noted uses, one UPDATE per key. A use that fails to be written is kept
// for the next flush.
func (l *LastUsed) Flush(ctx context.Context) error {
	l.mu.Lock()
	batch := l.pending
	l.pending = map[int64]time.Time{}
	now := l.clock.Now()
	for id, at := range l.noted {
		if now.Sub(at) >= LastUsedResolution {
			delete(l.noted, id)
		}
	}
	l.mu.Unlock()
	var errs []error
	for id, at := range batch {
		if err := l.repo.TouchLastUsed(ctx, id, at); err != nil {
			errs = append(errs, fmt.Errorf("key %d: %w", id, err))
			l.retry(id, at)
		}
	}
	return errors.Join(errs...)
}

func (l *LastUsed) retry(id int64, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.pending[id]; !ok || cur.Before(at) {
		l.pending[id] = at
	}
}

// Start runs the writer until Stop. The writer keeps ctx's values but not its
// cancellation: fx cancels the start context once the application has started.
func (l *LastUsed) Start(ctx context.Context) error {
	ctx, l.cancel = context.WithCancel(context.WithoutCancel(ctx))
	l.done = make(chan struct{})
	go l.run(ctx)
	return nil
}

func (l *LastUsed) run(ctx context.Context) {
	defer close(l.done)
	t := time.NewTicker(LastUsedFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			flushCtx, cancel := context.WithTimeout(ctx, LastUsedFlushInterval)
			if err := l.Flush(flushCtx); err != nil {
				slog.WarnContext(ctx, "write API key last use", "err", err)
			}
			cancel()
		}
	}
}

// Stop ends the writer and writes what is left.
func (l *LastUsed) Stop(ctx context.Context) error {
	if l.cancel != nil {
		l.cancel()
		<-l.done
	}
	return l.Flush(ctx)
}
