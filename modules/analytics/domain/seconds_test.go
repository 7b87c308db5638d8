package domain

import (
	"slices"
	"testing"
)

func TestSeconds(t *testing.T) {
	var s Seconds
	if s.Last() != -1 || s.Count(100) != 0 || s.Has(0) || s.Has(-1) {
		t.Fatalf("empty set: last %d count %d", s.Last(), s.Count(100))
	}
	for _, i := range []int{0, 3, 63, 64, 130} {
		s.Set(i)
	}
	s.Set(3)
	cases := []struct {
		limit, count int
	}{{0, 0}, {1, 1}, {4, 2}, {63, 2}, {64, 3}, {65, 4}, {130, 4}, {131, 5}, {1000, 5}}
	for _, c := range cases {
		if got := s.Count(c.limit); got != c.count {
			t.Errorf("Count(%d) = %d, want %d", c.limit, got, c.count)
		}
	}
	if s.Last() != 130 || !s.Has(64) || s.Has(65) || s.Has(1000) {
		t.Fatalf("last %d, has 64 %v, has 65 %v", s.Last(), s.Has(64), s.Has(65))
	}
	b := s.Bytes()
	if len(b) != 17 || b[0] != 0b1001 || b[16] != 0b100 {
		t.Fatalf("Bytes = %v", b)
	}
	if back := SecondsFromBytes(b); !slices.Equal(back, s) {
		t.Fatalf("round trip %v, want %v", back, s)
	}
	if len(SecondsFromBytes(nil)) != 0 || len(Seconds(nil).Bytes()) != 0 {
		t.Fatal("an empty set encodes to no bytes")
	}
}

func TestSecondsOr(t *testing.T) {
	var a, b Seconds
	a.Set(1)
	b.Set(2)
	b.Set(200)
	u := a.Or(b)
	if u.Count(1000) != 3 || !u.Has(1) || !u.Has(2) || !u.Has(200) {
		t.Fatalf("union %v", u)
	}
	if a.Count(1000) != 1 || b.Count(1000) != 2 {
		t.Fatal("Or changed its operands")
	}
	if again := u.Or(a); !slices.Equal(again, u) {
		t.Fatal("Or is not idempotent")
	}
}
