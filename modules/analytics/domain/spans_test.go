package domain

import (
	"slices"
	"testing"
)

func TestSpansAdd(t *testing.T) {
	cases := []struct {
		name string
		add  [][2]int64
		want Spans
	}{
		{"one", [][2]int64{{10, 20}}, Spans{{10, 20}}},
		{"empty span", [][2]int64{{10, 10}, {5, 3}}, nil},
		{"reading on", [][2]int64{{0, 10}, {10, 20}, {20, 30}}, Spans{{0, 30}}},
		{"gap", [][2]int64{{0, 10}, {11, 20}}, Spans{{0, 10}, {11, 20}}},
		{"before", [][2]int64{{50, 60}, {0, 10}}, Spans{{0, 10}, {50, 60}}},
		{"between", [][2]int64{{0, 10}, {50, 60}, {20, 30}}, Spans{{0, 10}, {20, 30}, {50, 60}}},
		{"bridges two", [][2]int64{{0, 10}, {20, 30}, {10, 20}}, Spans{{0, 30}}},
		{"covers all", [][2]int64{{5, 10}, {20, 30}, {40, 41}, {0, 100}}, Spans{{0, 100}}},
		{"inside", [][2]int64{{0, 100}, {10, 20}}, Spans{{0, 100}}},
		{"overlaps the start", [][2]int64{{10, 20}, {5, 15}}, Spans{{5, 20}}},
		{"overlaps the end", [][2]int64{{10, 20}, {30, 40}, {15, 25}}, Spans{{10, 25}, {30, 40}}},
		{"repeat", [][2]int64{{10, 20}, {10, 20}, {10, 20}}, Spans{{10, 20}}},
	}
	for _, c := range cases {
		var s Spans
		for _, a := range c.add {
			s = s.Add(a[0], a[1])
		}
		if !slices.Equal(s, c.want) {
			t.Errorf("%s: %v, want %v", c.name, s, c.want)
		}
	}
}

func TestSpansCovers(t *testing.T) {
	s := Spans{{0, 10}, {20, 30}}
	cases := []struct {
		start, end int64
		want       bool
	}{
		{0, 10, true}, {2, 8, true}, {20, 30, true}, {5, 5, true},
		{0, 11, false}, {9, 21, false}, {10, 20, false}, {25, 31, false}, {30, 40, false}, {-1, 3, false},
	}
	for _, c := range cases {
		if got := s.Covers(c.start, c.end); got != c.want {
			t.Errorf("Covers(%d, %d) = %v", c.start, c.end, got)
		}
	}
	if s.Bytes() != 20 {
		t.Errorf("Bytes = %d", s.Bytes())
	}
}
