// Package uowtest has a unit of work for tests over in-memory fakes.
package uowtest

import (
	"context"
	"sync"
)

// Snapshotter is a fake store that can restore its state after a failed unit of work.
type Snapshotter interface {
	Snapshot() (restore func())
}

// UnitOfWork calls the function; when it fails, the stores in Stores are put back as
// they were, like a rolled back transaction.
type UnitOfWork struct {
	mu     sync.Mutex
	Calls  int
	Stores []Snapshotter
}

type hooksKey struct{}

// hooks are the functions AfterCommit registered in the outermost Do.
type hooks struct {
	mu  sync.Mutex
	fns []func()
}

// Do calls fn; a Do inside another joins it for AfterCommit, which runs its functions
// when the outermost Do succeeds.
func (u *UnitOfWork) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	u.mu.Lock()
	u.Calls++
	stores := append([]Snapshotter(nil), u.Stores...)
	u.mu.Unlock()
	restores := make([]func(), 0, len(stores))
	for _, s := range stores {
		restores = append(restores, s.Snapshot())
	}
	h, joined := ctx.Value(hooksKey{}).(*hooks)
	if !joined {
		h = &hooks{}
		ctx = context.WithValue(ctx, hooksKey{}, h)
	}
	err := fn(ctx)
	if err != nil {
		for _, r := range restores {
			r()
		}
		return err
	}
	if !joined {
		h.mu.Lock()
		fns := h.fns
		h.fns = nil
		h.mu.Unlock()
		for _, f := range fns {
			f()
		}
	}
	return nil
}

// AfterCommit runs fn when the outermost Do in ctx succeeds, never when it fails; at once
// outside a Do.
func (u *UnitOfWork) AfterCommit(ctx context.Context, fn func()) {
	h, ok := ctx.Value(hooksKey{}).(*hooks)
	if !ok {
		fn()
		return
	}
	h.mu.Lock()
	h.fns = append(h.fns, fn)
	h.mu.Unlock()
}
