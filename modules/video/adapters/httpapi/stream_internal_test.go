package httpapi

import (
	"testing"
	"time"
)

func TestRedirectCacheControl(t *testing.T) {
	for maxAge, want := range map[time.Duration]string{
		15 * time.Minute: "private, max-age=900",
		time.Second:      "private, max-age=1",
		time.Second - 1:  "no-store",
		0:                "no-store",
	} {
		if got := redirectCacheControl(maxAge); got != want {
			t.Errorf("redirectCacheControl(%v) = %q, want %q", maxAge, got, want)
		}
	}
}
