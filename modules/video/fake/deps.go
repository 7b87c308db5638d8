package fake

import (
	"context"
	"errors"
	"sync"
	"time"

	"vms/modules/video/ports"
)

// Plans is a ports.CorporationPlans over a map of paid corporations.
type Plans struct {
	mu   sync.Mutex
	paid map[int64]bool
}

var _ ports.CorporationPlans = (*Plans)(nil)

// NewPlans returns plans where the given corporations are paid.
func NewPlans(paid ...int64) *Plans {
	p := &Plans{paid: map[int64]bool{}}
	for _, id := range paid {
		p.paid[id] = true
	}
	return p
}

// IsPaid tells whether the corporation is paid.
func (p *Plans) IsPaid(_ context.Context, id int64) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paid[id], nil
}

// Users is a ports.Users over a map of user id to corporation id.
type Users map[int64]int64

var _ ports.Users = Users(nil)

// CorporationOf returns the corporation of a known user.
func (u Users) CorporationOf(_ context.Context, id int64) (int64, bool, error) {
	c, ok := u[id]
	return c, ok, nil
}

// Tokens is a ports.PlaybackTokens that issues predictable tokens.
type Tokens struct{ Now time.Time }

var _ ports.PlaybackTokens = Tokens{}

// IssuePlayback returns "play-<video>-<user>" valid for five minutes.
func (t Tokens) IssuePlayback(_ context.Context, userID, _ int64, _ string, videoID int64) (string, time.Time, error) {
	return "play-" + itoa(videoID) + "-" + itoa(userID), t.Now.Add(5 * time.Minute), nil
}

// IssuePlaybackFor returns "hls-<video>-<user>" valid for ttl.
func (t Tokens) IssuePlaybackFor(_ context.Context, userID, _ int64, _ string, videoID int64, ttl time.Duration) (string, time.Time, error) {
	return "hls-" + itoa(videoID) + "-" + itoa(userID), t.Now.Add(ttl), nil
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// UnitOfWork calls the function; it counts how many units began.
type UnitOfWork struct {
	mu    sync.Mutex
	Began int
}

var _ ports.UnitOfWork = (*UnitOfWork)(nil)

// Do runs fn.
func (u *UnitOfWork) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	u.mu.Lock()
	u.Began++
	u.mu.Unlock()
	return fn(ctx)
}

// ErrBroken is a generic infrastructure failure for tests.
var ErrBroken = errors.New("broken")
