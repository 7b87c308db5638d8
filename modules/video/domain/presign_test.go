package domain

import (
	"testing"
	"time"
)

func TestPresignTTLAndRedirectMaxAge(t *testing.T) {
	for _, tc := range []struct {
		duration, ttl, maxAge time.Duration
	}{
		{0, time.Hour, 15 * time.Minute},
		{-time.Second, time.Hour, 15 * time.Minute},
		{time.Nanosecond, 15*time.Minute + time.Second, 15 * time.Minute},
		{90*time.Second + time.Millisecond, 16*time.Minute + 31*time.Second, 15 * time.Minute},
		{2 * time.Hour, 2*time.Hour + 15*time.Minute, 15 * time.Minute},
		{11*time.Hour + 45*time.Minute, 12 * time.Hour, 15 * time.Minute},
		{11*time.Hour + 50*time.Minute, 12 * time.Hour, 10 * time.Minute},
		{12 * time.Hour, 12 * time.Hour, 0},
		{1 << 62, 12 * time.Hour, 0},
	} {
		if got := PresignTTL(tc.duration); got != tc.ttl {
			t.Errorf("PresignTTL(%v) = %v, want %v", tc.duration, got, tc.ttl)
		}
		if got := RedirectMaxAge(tc.duration); got != tc.maxAge {
			t.Errorf("RedirectMaxAge(%v) = %v, want %v", tc.duration, got, tc.maxAge)
		}
	}
}
