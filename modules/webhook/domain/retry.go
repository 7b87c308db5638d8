package domain

import (
	"hash/fnv"
	"strconv"
	"time"
)

// Delivery attempts: the first at once, then after a delay that triples from
// FirstRetryDelay up to MaxRetryDelay, MaxAttempts in all. The delays add up to about 27
// hours, so an endpoint that is down for a day still gets its events afterwards.
const (
	MaxAttempts     = 12
	FirstRetryDelay = 10 * time.Second
	MaxRetryDelay   = 6 * time.Hour
)

// DisableAfter is how long an endpoint's deliveries may keep failing, without a success in
// between, before the endpoint is disabled.
const DisableAfter = 24 * time.Hour

// RetryDelay is the wait after failed attempt n (1 for the first) before the next one:
// FirstRetryDelay × 3^(n−1), at most MaxRetryDelay, spread by ±10 % so that deliveries
// that failed together do not all come back at once. The spread is drawn from seed (a
// job id) and n, so the same attempt of the same job always gets the same delay: the
// worker records the time River will use.
func RetryDelay(n int, seed int64) time.Duration {
	d := FirstRetryDelay
	for i := 1; i < n && d < MaxRetryDelay; i++ {
		d *= 3
	}
	d = min(d, MaxRetryDelay)
	h := fnv.New64a()
	h.Write([]byte(strconv.FormatInt(seed, 10) + "/" + strconv.Itoa(n)))
	spread := float64(h.Sum64()%2001)/10000 - 0.1 // −0.1 … +0.1
	return d + time.Duration(float64(d)*spread)
}
