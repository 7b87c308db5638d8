package fake

import (
	"context"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"

	"vms/modules/webhook/domain"
	"vms/modules/webhook/ports"
)

// Queue records the delivery ids enqueued.
type Queue struct {
	mu  sync.Mutex
	IDs []int64
	// Err, when set, is returned by Enqueue.
	Err error
}

var _ ports.Queue = (*Queue)(nil)

// Enqueue records the ids.
func (q *Queue) Enqueue(_ context.Context, ids []int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.Err != nil {
		return q.Err
	}
	q.IDs = append(q.IDs, ids...)
	return nil
}

// Enqueued returns a copy of the ids enqueued so far.
func (q *Queue) Enqueued() []int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.IDs)
}

// Waker counts the relay's wakes.
type Waker struct{ n atomic.Int64 }

var _ ports.Waker = (*Waker)(nil)

// Wake counts a wake.
func (w *Waker) Wake() { w.n.Add(1) }

// Wakes returns how many wakes came so far.
func (w *Waker) Wakes() int { return int(w.n.Load()) }

// Sender answers with Results in turn (the last one repeats; a 204 when empty) and
// records the requests.
type Sender struct {
	mu       sync.Mutex
	Results  []domain.Result
	Requests []ports.Request
}

var _ ports.Sender = (*Sender)(nil)

// Send records the request and answers the next scripted result.
func (s *Sender) Send(_ context.Context, r ports.Request) domain.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Requests = append(s.Requests, r)
	if len(s.Results) == 0 {
		return domain.Result{StatusCode: 204}
	}
	res := s.Results[0]
	if len(s.Results) > 1 {
		s.Results = s.Results[1:]
	}
	return res
}

// Sent returns a copy of the requests sent so far.
func (s *Sender) Sent() []ports.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.Requests)
}

// URLCheck refuses the URLs whose host is in Internal.
type URLCheck struct {
	Internal []string
}

var _ ports.URLCheck = URLCheck{}

// CheckURL refuses internal hosts.
func (c URLCheck) CheckURL(_ context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return domain.Invalid("url", "is not a valid URL")
	}
	if slices.Contains(c.Internal, u.Hostname()) {
		return domain.Invalid("url", "points at an internal address")
	}
	return nil
}

// Videos maps video ids to their corporations.
type Videos map[int64]int64

var _ ports.Videos = Videos{}

// CorporationOf returns the video's corporation.
func (v Videos) CorporationOf(_ context.Context, id int64) (int64, bool, error) {
	c, ok := v[id]
	return c, ok, nil
}
