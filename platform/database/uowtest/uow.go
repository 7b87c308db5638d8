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

// Do calls fn.
func (u *UnitOfWork) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	u.mu.Lock()
	u.Calls++
	stores := append([]Snapshotter(nil), u.Stores...)
	u.mu.Unlock()
	restores := make([]func(), 0, len(stores))
	for _, s := range stores {
		restores = append(restores, s.Snapshot())
	}
	err := fn(ctx)
	if err != nil {
		for _, r := range restores {
			r()
		}
	}
	return err
}
