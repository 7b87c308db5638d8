package domain

import (
	"testing"
	"time"
)

func TestPasswordChangeTimeIsTheNextMillisecond(t *testing.T) {
	base := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[time.Duration]time.Duration{
		0:                       time.Millisecond,
		time.Nanosecond:         time.Millisecond,
		999_999:                 time.Millisecond,
		time.Millisecond:        2 * time.Millisecond,
		1500 * time.Microsecond: 2 * time.Millisecond,
	}
	for off, want := range cases {
		now := base.Add(off)
		got := PasswordChangeTime(now)
		if !got.Equal(base.Add(want)) || !got.After(now) || got.Location() != time.UTC {
			t.Errorf("PasswordChangeTime(+%v) = %v, want +%v", off, got, want)
		}
	}
}
