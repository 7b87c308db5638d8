package domain

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"testing/quick"
)

// randomIndex lays out a random file: a header, then samples of random sizes at random
// frame rates interleaved with other bytes, lasting up to two minutes, maybe with the
// index after them.
func randomIndex(r *rand.Rand) (Index, int64) {
	duration := 0.3 + r.Float64()*120
	fps := 1 + r.IntN(60)
	b := NewIndexBuilder(duration)
	offset := int64(r.IntN(5000))
	for i := 0; float64(i)/float64(fps) < duration; i++ {
		if r.IntN(4) == 0 {
			offset += int64(r.IntN(2000)) // another track's chunk
		}
		size := int64(1 + r.IntN(3000))
		b.Add(offset, size, float64(i)/float64(fps))
		offset += size
	}
	x, _ := b.Index()
	return x, offset + int64(r.IntN(100_000))
}

// Any sequence of served ranges, repeats and overlaps included, in any number of flushes
// merged together, reports no more seconds than the video has, and a report no more
// watch time per viewer than the duration.
func TestRandomRangesNeverExceedTheDuration(t *testing.T) {
	property := func(seed uint64, nRanges uint8, flushes uint8) bool {
		r := rand.New(rand.NewPCG(seed, seed^0x5eed))
		x, size := randomIndex(r)
		var stored Watch
		var spans Spans
		for i := range int(nRanges) {
			first := r.Int64N(size)
			last := first + r.Int64N(size-first)
			if r.IntN(3) == 0 {
				last = size - 1 // bytes=N-
			}
			spans = spans.Add(first, last+1)
			if flushes > 0 && i%int(flushes) == 0 {
				w := Watch{Duration: x.Seconds()}
				x.Watched(spans, &w.Seconds)
				stored = stored.Merge(w)
			}
		}
		w := Watch{Duration: x.Seconds()}
		x.Watched(spans, &w.Seconds)
		stored = stored.Merge(w)
		if stored.Watched() > x.Seconds() || stored.Furthest() > x.Seconds() || stored.Seconds.Last() >= x.Seconds() {
			t.Logf("seed %d: watched %d furthest %d of %d", seed, stored.Watched(), stored.Furthest(), x.Seconds())
			return false
		}
		var tally Tally
		tally.Add(stored)
		rep := tally.Report()
		return rep.TotalWatchSeconds <= int64(x.Seconds()) && rep.CompletionRate <= 1
	}
	if err := quick.Check(property, &quick.Config{MaxCount: 300}); err != nil {
		t.Fatal(err)
	}
}

// The same holds for HLS: any segments, repeated, of a playlist with random durations.
func TestRandomSegmentsNeverExceedTheDuration(t *testing.T) {
	property := func(seed uint64, fetches uint8) bool {
		r := rand.New(rand.NewPCG(seed, ^seed))
		n := 1 + r.IntN(40)
		text := "#EXTM3U\n"
		for i := 1; i <= n; i++ {
			text += "#EXTINF:" + formatSeconds(r.Float64()*8) + ",\nseg_" + itoa(i) + ".m4s\n"
		}
		tl, err := ParseTimeline(text)
		if err != nil {
			t.Logf("seed %d: %v", seed, err)
			return false
		}
		w := Watch{Duration: tl.Seconds()}
		for range int(fetches) {
			tl.Segment(1+r.IntN(n+2), &w.Seconds)
		}
		return w.Watched() <= tl.Seconds() && w.Seconds.Last() < tl.Seconds()
	}
	if err := quick.Check(property, &quick.Config{MaxCount: 300}); err != nil {
		t.Fatal(err)
	}
}

func formatSeconds(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

func itoa(i int) string { return strconv.Itoa(i) }
