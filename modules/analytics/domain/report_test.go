package domain

import (
	"testing"
	"time"
)

func watch(duration int, seconds ...int) Watch {
	w := Watch{Duration: duration}
	for _, s := range seconds {
		w.Seconds.Set(s)
	}
	return w
}

func span(from, to int) []int {
	var out []int
	for s := from; s < to; s++ {
		out = append(out, s)
	}
	return out
}

func TestReport(t *testing.T) {
	var tally Tally
	tally.Add(watch(100, span(0, 100)...)) // completed
	tally.Add(watch(100, span(0, 90)...))  // 90 %: completed
	tally.Add(watch(100, span(0, 30)...))  // the first 30 %
	tally.Add(watch(100, span(50, 60)...)) // a seek to the middle
	tally.Add(watch(100))                  // no second: no viewer
	tally.Add(watch(100, 99, 100, 101))    // beyond the duration counts for nothing
	r := tally.Report()
	if r.UniqueViewers != 5 || r.TotalWatchSeconds != 100+90+30+10+1 {
		t.Fatalf("viewers %d total %d", r.UniqueViewers, r.TotalWatchSeconds)
	}
	if r.MedianWatchSeconds != 30 {
		t.Fatalf("median %v", r.MedianWatchSeconds)
	}
	if r.CompletionRate != 0.4 {
		t.Fatalf("completion %v", r.CompletionRate)
	}
	// Bucket b stands for second (2b+1)·100/40: 2, 7, 12, …, 92, 97; second 99 alone is
	// in no bucket.
	want := [RetentionBuckets]float64{0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.4, 0.4, 0.4, 0.4, 0.6, 0.6, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.2, 0.2}
	if r.Retention != want {
		t.Fatalf("retention %v\nwant %v", r.Retention, want)
	}
}

func TestReportMedianOfAnEvenCount(t *testing.T) {
	var tally Tally
	for _, n := range []int{10, 3, 8, 1} {
		tally.Add(watch(20, span(0, n)...))
	}
	if r := tally.Report(); r.MedianWatchSeconds != 5.5 || r.CompletionRate != 0 {
		t.Fatalf("median %v completion %v", r.MedianWatchSeconds, r.CompletionRate)
	}
}

func TestReportWithoutViewers(t *testing.T) {
	var tally Tally
	r := tally.Report()
	if r.UniqueViewers != 0 || r.MedianWatchSeconds != 0 || r.CompletionRate != 0 || r.Retention != [RetentionBuckets]float64{} {
		t.Fatalf("%+v", r)
	}
}

func TestBucketSecond(t *testing.T) {
	cases := []struct{ b, d, want int }{
		{0, 1, 0}, {19, 1, 0}, {0, 20, 0}, {19, 20, 19}, {0, 60, 1}, {5, 60, 16}, {6, 60, 19}, {19, 60, 58}, {10, 3, 1},
	}
	for _, c := range cases {
		if got := BucketSecond(c.b, c.d); got != c.want {
			t.Errorf("BucketSecond(%d, %d) = %d, want %d", c.b, c.d, got, c.want)
		}
	}
}

func TestWatchMerge(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := watch(60, 1, 2)
	a.FirstSeen, a.LastSeen = t0, t0.Add(time.Minute)
	b := watch(61, 2, 40)
	b.FirstSeen, b.LastSeen = t0.Add(-time.Hour), t0.Add(time.Second)
	m := a.Merge(b)
	if m.Watched() != 3 || m.Furthest() != 41 || m.Duration != 61 || !m.FirstSeen.Equal(b.FirstSeen) || !m.LastSeen.Equal(a.LastSeen) {
		t.Fatalf("merge %+v", m)
	}
	if a.Watched() != 2 || b.Watched() != 2 {
		t.Fatal("Merge changed its operands")
	}
	if (Watch{}).Merge(a).FirstSeen != t0 || watch(10).Furthest() != 0 {
		t.Fatal("zero times and empty sets")
	}
	if w := watch(10, 12); w.Furthest() != 10 || w.Watched() != 0 {
		t.Fatalf("a second past the duration: furthest %d watched %d", w.Furthest(), w.Watched())
	}
}
