package jwttoken_test

import (
	"testing"
	"time"

	"vms/modules/auth/adapters/jwttoken"
	"vms/platform/clock"
)

// The issue time survives signing and parsing to the millisecond, for every millisecond
// of a second (the claim's float encoding must not lose one), and finer parts are cut.
func TestIssuedAtKeepsMilliseconds(t *testing.T) {
	base := time.Date(2026, 11, 29, 21, 30, 15, 0, time.UTC)
	s, err := jwttoken.NewSigner(secret, 15*time.Minute, clock.NewFake(base))
	if err != nil {
		t.Fatal(err)
	}
	for ms := range 1000 {
		at := base.Add(time.Duration(ms)*time.Millisecond + 999*time.Microsecond)
		want := at.Truncate(time.Millisecond)
		tok, exp, err := s.SignAccessAt(who, at)
		if err != nil {
			t.Fatal(err)
		}
		if !exp.Equal(want.Add(15 * time.Minute)) {
			t.Fatalf("expires %v, want %v", exp, want.Add(15*time.Minute))
		}
		c, err := s.ParseAccess(tok)
		if err != nil || !c.IssuedAt.Equal(want) {
			t.Fatalf("access iat %v, want %v (%v)", c.IssuedAt, want, err)
		}
		play, _, err := s.SignPlaybackAt(who, 9, at)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.ParsePlayback(play)
		if err != nil || !p.IssuedAt.Equal(want) {
			t.Fatalf("playback iat %v, want %v (%v)", p.IssuedAt, want, err)
		}
	}
}
