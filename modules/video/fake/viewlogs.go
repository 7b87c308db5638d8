package fake

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
)

type viewKey struct{ user, video int64 }

// ViewLogs is an in-memory ports.ViewLogs that counts its calls.
type ViewLogs struct {
	mu     sync.Mutex
	rows   map[viewKey]domain.ViewLog
	nextID int64
	Finds  atomic.Int64
	Writes atomic.Int64
}

var _ ports.ViewLogs = (*ViewLogs)(nil)

// NewViewLogs returns an empty store.
func NewViewLogs() *ViewLogs { return &ViewLogs{rows: map[viewKey]domain.ViewLog{}} }

// Find returns the view log of (userID, videoID).
func (f *ViewLogs) Find(_ context.Context, userID, videoID int64) (domain.ViewLog, bool, error) {
	f.Finds.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	l, ok := f.rows[viewKey{userID, videoID}]
	return l, ok, nil
}

// Insert writes the view log unless one exists.
func (f *ViewLogs) Insert(_ context.Context, userID, videoID int64, now time.Time) (domain.ViewLog, bool, error) {
	f.Writes.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	k := viewKey{userID, videoID}
	if l, ok := f.rows[k]; ok {
		return l, false, nil
	}
	f.nextID++
	l := domain.ViewLog{ID: f.nextID, UserID: userID, VideoID: videoID, CreatedAt: now}
	f.rows[k] = l
	return l, true, nil
}

// Delete removes a view log, as a rolled-back transaction would.
func (f *ViewLogs) Delete(userID, videoID int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.rows, viewKey{userID, videoID})
}

// Len returns how many view logs are stored.
func (f *ViewLogs) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.rows)
}
