package domain

import (
	"slices"
	"testing"
)

const playlist = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:7
#EXT-X-MAP:URI="init.mp4"
#EXTINF:6.006,
seg_00001.m4s?v=abc&token=t
#EXTINF:5.994,
seg_00002.m4s?v=abc&token=t
#EXTINF:6.000,
seg_00003.m4s
#EXTINF:0.3,
seg_00004.m4s
#EXT-X-ENDLIST
`

func segmentSeconds(t Timeline, ns ...int) []int {
	var out Seconds
	for _, n := range ns {
		if !t.Segment(n, &out) {
			return nil
		}
	}
	var secs []int
	for i := 0; i <= out.Last(); i++ {
		if out.Has(i) {
			secs = append(secs, i)
		}
	}
	return secs
}

func TestTimeline(t *testing.T) {
	tl, err := ParseTimeline(playlist)
	if err != nil {
		t.Fatal(err)
	}
	if tl.Seconds() != 18 {
		t.Fatalf("seconds = %d (18.3 s)", tl.Seconds())
	}
	cases := []struct {
		segments []int
		want     []int
	}{
		// [0, 6.006): the middles 0.5 … 5.5.
		{[]int{1}, []int{0, 1, 2, 3, 4, 5}},
		// [6.006, 12): 6.5 … 11.5.
		{[]int{2}, []int{6, 7, 8, 9, 10, 11}},
		// [12, 18) and the last second, whose middle 17.5 is in it.
		{[]int{3}, []int{12, 13, 14, 15, 16, 17}},
		// [18, 18.3): no middle, and the last second is already segment 3's.
		{[]int{4}, nil},
		{[]int{1, 3}, []int{0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17}},
	}
	for _, c := range cases {
		if got := segmentSeconds(tl, c.segments...); !slices.Equal(got, c.want) {
			t.Errorf("segments %v: %v, want %v", c.segments, got, c.want)
		}
	}
	var out Seconds
	if tl.Segment(5, &out) || tl.Segment(0, &out) {
		t.Fatal("an unknown segment mapped")
	}
}

func TestTimelineLastSecondGoesToTheLastSegment(t *testing.T) {
	// 10.5 s counts as 11 seconds; the last one, [10, 10.5), has its middle at the very end.
	tl, err := ParseTimeline("#EXTM3U\n#EXTINF:6,\na/seg_1.m4s\n#EXTINF:4.5,\na/seg_2.m4s\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := segmentSeconds(tl, 2); !slices.Equal(got, []int{6, 7, 8, 9, 10}) {
		t.Fatalf("last segment: %v", got)
	}
}

func TestParseTimelineRefuses(t *testing.T) {
	for _, text := range []string{
		"",
		"#EXTINF:6,\nseg_1.m4s\n",
		"#EXTM3U\n",
		"#EXTM3U\nseg_1.m4s\n",
		"#EXTM3U\n#EXTINF:abc,\nseg_1.m4s\n",
		"#EXTM3U\n#EXTINF:-1,\nseg_1.m4s\n",
		"#EXTM3U\n#EXTINF:6,\nsegment.m4s\n",
		"#EXTM3U\n#EXTINF:6,\nseg_1.m4s\n#EXTINF:6,\nseg_01.m4s\n",
	} {
		if _, err := ParseTimeline(text); err == nil {
			t.Errorf("ParseTimeline(%q) accepted", text)
		}
	}
}

func TestSegmentNumber(t *testing.T) {
	cases := []struct {
		name string
		n    int
		ok   bool
	}{
		{"seg_00003.m4s", 3, true}, {"seg_1.ts", 1, true}, {"12", 12, true}, {"seg_.m4s", 0, false},
		{"init.mp4", 0, false}, {"seg_1234567890.m4s", 0, false}, {"", 0, false},
	}
	for _, c := range cases {
		if n, ok := SegmentNumber(c.name); n != c.n || ok != c.ok {
			t.Errorf("SegmentNumber(%q) = %d, %v", c.name, n, ok)
		}
	}
}
