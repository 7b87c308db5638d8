package domain

import (
	"slices"
	"testing"
)

func TestSecondsIn(t *testing.T) {
	cases := []struct {
		d    float64
		want int
	}{{0, 1}, {-3, 1}, {0.2, 1}, {1.49, 1}, {1.5, 2}, {12.3, 12}, {12.6, 13}, {1e12, MaxSeconds}}
	for _, c := range cases {
		if got := SecondsIn(c.d); got != c.want {
			t.Errorf("SecondsIn(%v) = %d, want %d", c.d, got, c.want)
		}
	}
}

// interleaved is a 4.3-second file laid out as players meet it: a 1000-byte header, then
// per second a 100-byte audio chunk and 10 video samples of 50 bytes (one every 0.1 s),
// then (moovAtEnd) the 5000-byte index.
func interleaved() Index {
	b := NewIndexBuilder(4.3)
	offset := int64(1000)
	for i := range 43 {
		if i%10 == 0 {
			offset += 100 // audio
		}
		b.Add(offset, 50, float64(i)/10)
		offset += 50
	}
	x, ok := b.Index()
	if !ok {
		panic("no samples")
	}
	return x
}

func watched(x Index, spans ...[2]int64) []int {
	var s Spans
	for _, sp := range spans {
		s = s.Add(sp[0], sp[1])
	}
	var out Seconds
	x.Watched(s, &out)
	var secs []int
	for i := 0; i <= out.Last(); i++ {
		if out.Has(i) {
			secs = append(secs, i)
		}
	}
	return secs
}

func TestIndexExtents(t *testing.T) {
	x := interleaved()
	if x.Seconds() != 4 {
		t.Fatalf("seconds = %d", x.Seconds())
	}
	// Second 0: samples 0–9 at 1100…1599; second 3 holds 3.0–4.2 (the 0.3 s tail joins it,
	// with the audio chunk before it).
	want := []Span{{1100, 1600}, {1700, 2200}, {2300, 2800}, {2900, 3650}}
	for s, w := range want {
		if got := x.Extent(s); got != w {
			t.Errorf("extent of second %d = %v, want %v", s, got, w)
		}
	}
}

func TestIndexWatched(t *testing.T) {
	x := interleaved()
	cases := []struct {
		name  string
		spans [][2]int64
		want  []int
	}{
		{"nothing", nil, nil},
		{"the whole file", [][2]int64{{0, 10000}}, []int{0, 1, 2, 3}},
		{"the header only", [][2]int64{{0, 1100}}, nil},
		{"the index at the end only", [][2]int64{{3650, 8650}}, nil},
		{"the last bytes", [][2]int64{{3400, 8650}}, nil},
		{"all but the last sample byte", [][2]int64{{0, 3649}}, []int{0, 1, 2}},
		{"one second exactly", [][2]int64{{1700, 2200}}, []int{1}},
		{"a byte short of it", [][2]int64{{1701, 2200}}, nil},
		{"the second's audio not needed before it", [][2]int64{{1700, 2300}}, []int{1}},
		{"a second in two requests", [][2]int64{{1000, 1900}, {1900, 2900}}, []int{0, 1, 2}},
		{"a seek", [][2]int64{{0, 1600}, {2300, 2800}}, []int{0, 2}},
		{"overlapping repeats", [][2]int64{{1100, 1600}, {1100, 1600}, {1000, 1700}}, []int{0}},
	}
	for _, c := range cases {
		if got := watched(x, c.spans...); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestIndexBuilder(t *testing.T) {
	if _, ok := NewIndexBuilder(3).Index(); ok {
		t.Fatal("an index without samples")
	}
	// Samples given out of file order (a track whose chunks are not in order), empty and
	// negative ones, and times before zero (an edit list's shift).
	b := NewIndexBuilder(2)
	b.Add(500, 10, 1.5)
	b.Add(100, 10, -0.04)
	b.Add(200, 0, 0.5)
	b.Add(-5, 10, 0.5)
	b.Add(110, 10, 0.5)
	b.Add(400, 10, 1.2)
	x, ok := b.Index()
	if !ok || x.Seconds() != 2 || x.Extent(0) != (Span{100, 120}) || x.Extent(1) != (Span{400, 510}) {
		t.Fatalf("index %+v", x)
	}
	if got := watched(x, [2]int64{400, 510}); !slices.Equal(got, []int{1}) {
		t.Fatalf("watched %v", got)
	}
	if got := watched(x, [2]int64{0, 120}, [2]int64{400, 509}); !slices.Equal(got, []int{0}) {
		t.Fatalf("watched %v", got)
	}
}
