package main

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// percentile returns the q-quantile (0 < q ≤ 1) of sorted durations by the nearest-rank rule.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(q*float64(len(sorted)) + 0.999999)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// summary formats the percentiles of the latencies in milliseconds.
func summary(lat []time.Duration) string {
	s := slices.Clone(lat)
	slices.Sort(s)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }
	return fmt.Sprintf("p50_ms=%s p90_ms=%s p99_ms=%s max_ms=%s",
		ms(percentile(s, 0.50)), ms(percentile(s, 0.90)), ms(percentile(s, 0.99)), ms(percentile(s, 1)))
}

// newClient returns a client keeping up to conns idle connections to the one host.
func newClient(conns int, timeout time.Duration) *http.Client {
	t := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: t, Timeout: timeout}
}

// headerList collects repeated -H "Name: value" flags.
type headerList []string

func (h *headerList) String() string     { return strings.Join(*h, ", ") }
func (h *headerList) Set(v string) error { *h = append(*h, v); return nil }

func (h headerList) apply(r *http.Request) {
	for _, kv := range h {
		k, v, ok := strings.Cut(kv, ":")
		if ok {
			r.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
}
