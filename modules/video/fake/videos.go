// Package fake holds in-memory implementations of the video module's ports, for tests.
package fake

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
)

// Videos is an in-memory ports.Videos.
type Videos struct {
	mu     sync.Mutex
	rows   map[int64]domain.Video
	nextID int64
	keys   map[string]bool
	// CreateErr, when set, is returned by Create.
	CreateErr error
	liveReads int
}

// LiveReads counts GetLive calls.
func (f *Videos) LiveReads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.liveReads
}

var _ ports.Videos = (*Videos)(nil)

// NewVideos returns an empty store.
func NewVideos() *Videos { return &Videos{rows: map[int64]domain.Video{}, keys: map[string]bool{}} }

// Create inserts a video.
func (f *Videos) Create(_ context.Context, v domain.Video) (domain.Video, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.CreateErr != nil {
		return domain.Video{}, f.CreateErr
	}
	if v.StorageKey != "" && f.keys[v.StorageKey] {
		return domain.Video{}, errors.New("duplicate storage key")
	}
	f.nextID++
	now := time.Now().UTC()
	v.ID, v.CreatedAt, v.UpdatedAt, v.Deleted, v.DeletedAt = f.nextID, now, now, false, nil
	if v.Visibility == "" {
		v.Visibility = domain.Private
	}
	f.rows[v.ID] = v
	if v.StorageKey != "" {
		f.keys[v.StorageKey] = true
	}
	return v, nil
}

// CorporationOf tells the owner of a video, deleted or not.
func (f *Videos) CorporationOf(_ context.Context, id int64) (int64, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.rows[id]
	return v.CorporationID, ok, nil
}

// GetLive returns a live video the viewer sees.
func (f *Videos) GetLive(_ context.Context, viewer domain.Viewer, id int64) (domain.Video, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.liveReads++
	v, ok := f.rows[id]
	if !ok || v.Deleted || !viewer.Sees(v) {
		return domain.Video{}, domain.ErrNotFound
	}
	return v, nil
}

// GetOwned returns a video of the corporation with the given deleted flag.
func (f *Videos) GetOwned(_ context.Context, corporationID, id int64, deleted bool) (domain.Video, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.rows[id]
	if !ok || v.CorporationID != corporationID || v.Deleted != deleted {
		return domain.Video{}, domain.ErrNotFound
	}
	return v, nil
}

// List lists the videos the filter selects, by id.
func (f *Videos) List(_ context.Context, lf domain.ListFilter, afterID int64, limit int) ([]domain.Video, error) {
	query := strings.ToLower(lf.Query)
	return f.list(func(v domain.Video) bool {
		return v.Deleted == lf.Deleted && lf.Viewer.Sees(v) &&
			(lf.CorporationID == 0 || v.CorporationID == lf.CorporationID) &&
			strings.Contains(strings.ToLower(v.Name), query)
	}, afterID, limit), nil
}

func (f *Videos) list(keep func(domain.Video) bool, afterID int64, limit int) []domain.Video {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []domain.Video{}
	for _, v := range f.rows {
		if v.ID > afterID && keep(v) {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Update changes a live video of the corporation.
func (f *Videos) Update(_ context.Context, corporationID, id int64, ch domain.Changes, now time.Time) (domain.Video, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.rows[id]
	if !ok || v.CorporationID != corporationID || v.Deleted {
		return domain.Video{}, domain.ErrNotFound
	}
	if ch.Name != nil {
		v.Name = *ch.Name
	}
	if ch.SourceURL != nil {
		v.SourceURL = *ch.SourceURL
	}
	if ch.Visibility != nil {
		v.Visibility = *ch.Visibility
	}
	v.UpdatedAt = now
	f.rows[id] = v
	return v, nil
}

// SoftDelete marks a live video of the corporation deleted.
func (f *Videos) SoftDelete(_ context.Context, corporationID, id int64, now time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.rows[id]
	if !ok || v.CorporationID != corporationID || v.Deleted {
		return domain.ErrNotFound
	}
	v.Deleted, v.DeletedAt, v.UpdatedAt = true, &now, now
	f.rows[id] = v
	return nil
}

// Restore clears the deleted flag of a deleted video of the corporation.
func (f *Videos) Restore(_ context.Context, corporationID, id int64, now time.Time) (domain.Video, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.rows[id]
	if !ok || v.CorporationID != corporationID || !v.Deleted {
		return domain.Video{}, domain.ErrNotFound
	}
	v.Deleted, v.DeletedAt, v.UpdatedAt = false, nil, now
	f.rows[id] = v
	return v, nil
}

// SoftDeleteByCorporation marks every live video of the corporation deleted.
func (f *Videos) SoftDeleteByCorporation(_ context.Context, corporationID int64, now time.Time) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n int64
	for id, v := range f.rows {
		if v.CorporationID == corporationID && !v.Deleted {
			v.Deleted, v.DeletedAt, v.UpdatedAt = true, &now, now
			f.rows[id] = v
			n++
		}
	}
	return n, nil
}

// Count returns how many rows are stored, deleted or not.
func (f *Videos) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.rows)
}
