package fake

import (
	"context"
	"errors"
	"sync"
	"time"

	"vms/modules/video/ports"
	"vms/platform/kind"
)

// ErrOverQuota is what Quota answers for a reservation over its limit.
var ErrOverQuota = kind.New(kind.TooLarge, "over the storage quota")

// Reservation is one held by Quota.
type Reservation struct {
	CorporationID int64
	Bytes         int64
	Expires       time.Time
}

// Settlement is one recorded by Quota.
type Settlement struct {
	CorporationID int64
	Key           string
	VideoID       int64
	Bytes         int64
}

// Quota is a ports.Quota with a limit of Limit bytes per corporation (0: none) over what
// it has settled and holds.
type Quota struct {
	mu       sync.Mutex
	Limit    int64
	Held     map[string]Reservation
	Settled  []Settlement
	Released []string
	// Requests lists the bytes of every Reserve call, granted or not.
	Requests []int64
	// Err, when set, fails Settle.
	Err error
}

var _ ports.Quota = (*Quota)(nil)

// NewQuota returns a quota of limit bytes per corporation.
func NewQuota(limit int64) *Quota { return &Quota{Limit: limit, Held: map[string]Reservation{}} }

func (q *Quota) taken(corporationID int64) int64 {
	var n int64
	for _, r := range q.Held {
		if r.CorporationID == corporationID {
			n += r.Bytes
		}
	}
	for _, s := range q.Settled {
		if s.CorporationID == corporationID {
			n += s.Bytes
		}
	}
	return n
}

// Reserve holds n bytes when they fit.
func (q *Quota) Reserve(_ context.Context, corporationID int64, key string, n int64, expires time.Time) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.Requests = append(q.Requests, n)
	if _, dup := q.Held[key]; dup {
		return errors.New("reservation key used twice")
	}
	if q.Limit > 0 && q.taken(corporationID)+n > q.Limit {
		return ErrOverQuota
	}
	q.Held[key] = Reservation{CorporationID: corporationID, Bytes: n, Expires: expires}
	return nil
}

// Settle turns a reservation into stored bytes.
func (q *Quota) Settle(_ context.Context, corporationID int64, key string, videoID, bytes int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.Err != nil {
		return q.Err
	}
	delete(q.Held, key)
	q.Settled = append(q.Settled, Settlement{CorporationID: corporationID, Key: key, VideoID: videoID, Bytes: bytes})
	return nil
}

// Release gives a reservation back.
func (q *Quota) Release(_ context.Context, _ int64, key string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.Held, key)
	q.Released = append(q.Released, key)
	return nil
}
