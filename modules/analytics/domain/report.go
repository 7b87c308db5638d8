package domain

import "slices"

// RetentionBuckets is how many equal parts of the duration the retention curve has.
const RetentionBuckets = 20

// CompletionShare is the share of the duration a viewer must have watched to count as
// having completed the video.
const CompletionShare = 0.9

// Report is a video's watch analytics.
type Report struct {
	// UniqueViewers counts the users who watched at least one second.
	UniqueViewers int
	// TotalWatchSeconds adds up each viewer's distinct seconds.
	TotalWatchSeconds int64
	// MedianWatchSeconds is the median of the viewers' distinct seconds (the mean of the
	// two middle ones for an even count); 0 without viewers.
	MedianWatchSeconds float64
	// CompletionRate is the share of viewers who watched at least 90 % of the duration.
	CompletionRate float64
	// Retention holds, for each twentieth of the duration, the share of viewers who
	// watched it: the second that holds the middle of the twentieth.
	Retention [RetentionBuckets]float64
}

// Tally adds up watches into a Report.
type Tally struct {
	watched   []int
	total     int64
	completed int
	buckets   [RetentionBuckets]int
}

// Add counts one user's watch; a watch of no second is no viewer.
func (t *Tally) Add(w Watch) {
	n := w.Watched()
	if n == 0 {
		return
	}
	t.watched = append(t.watched, n)
	t.total += int64(n)
	if float64(n) >= CompletionShare*float64(w.Duration) {
		t.completed++
	}
	for b := range t.buckets {
		if w.Seconds.Has(BucketSecond(b, w.Duration)) {
			t.buckets[b]++
		}
	}
}

// BucketSecond is the second that stands for retention bucket b of a video counted in
// duration seconds: the one that holds the bucket's middle, (b + ½) / 20 of the way in.
func BucketSecond(b, duration int) int {
	return min(duration-1, (2*b+1)*duration/(2*RetentionBuckets))
}

// Report returns the figures of the watches added.
func (t *Tally) Report() Report {
	r := Report{UniqueViewers: len(t.watched), TotalWatchSeconds: t.total}
	if r.UniqueViewers == 0 {
		return r
	}
	w := slices.Clone(t.watched)
	slices.Sort(w)
	mid := len(w) / 2
	if len(w)%2 == 1 {
		r.MedianWatchSeconds = float64(w[mid])
	} else {
		r.MedianWatchSeconds = float64(w[mid-1]+w[mid]) / 2
	}
	viewers := float64(r.UniqueViewers)
	r.CompletionRate = float64(t.completed) / viewers
	for b, n := range t.buckets {
		r.Retention[b] = float64(n) / viewers
	}
	return r
}
