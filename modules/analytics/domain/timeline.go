package domain

import (
	"errors"
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"
)

// Timeline is the media time of an HLS rendition's segments, from its media playlist:
// segment n covers [start_n, start_n + duration_n), start_n being the sum of the EXTINF
// durations before it.
type Timeline struct {
	seconds  int
	total    float64
	segments map[int]segment // by number (SegmentNumber)
}

type segment struct {
	start, end float64
}

// ErrNotPlaylist is a text that is not an M3U8 media playlist.
var ErrNotPlaylist = errors.New("not an M3U8 playlist")

// MaxSegments bounds the segments read from one playlist.
const MaxSegments = 100_000

// ParseTimeline reads the segments of a media playlist and their durations (EXTINF). A
// segment is known by the number in the file name of its URI (see SegmentNumber); a
// playlist whose URIs have none, or the same one twice, is refused.
func ParseTimeline(text string) (Timeline, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if strings.TrimSpace(lines[0]) != "#EXTM3U" {
		return Timeline{}, ErrNotPlaylist
	}
	t := Timeline{segments: map[int]segment{}}
	var at float64
	duration := -1.0
	for _, line := range lines[1:] {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "#EXTINF:"):
			d, _, _ := strings.Cut(strings.TrimPrefix(line, "#EXTINF:"), ",")
			v, err := strconv.ParseFloat(strings.TrimSpace(d), 64)
			if err != nil || v < 0 || math.IsInf(v, 0) {
				return Timeline{}, fmt.Errorf("segment duration %q", d)
			}
			duration = v
		case strings.HasPrefix(line, "#"):
		case duration < 0:
			return Timeline{}, fmt.Errorf("segment %q without #EXTINF", line)
		default:
			if len(t.segments) == MaxSegments {
				return Timeline{}, fmt.Errorf("more than %d segments", MaxSegments)
			}
			uri, _, _ := strings.Cut(line, "?")
			n, ok := SegmentNumber(path.Base(uri))
			if _, dup := t.segments[n]; !ok || dup {
				return Timeline{}, fmt.Errorf("segment %q without a number of its own", line)
			}
			t.segments[n] = segment{start: at, end: at + duration}
			at += duration
			duration = -1
		}
	}
	if len(t.segments) == 0 {
		return Timeline{}, errors.New("a playlist without segments")
	}
	t.seconds, t.total = SecondsIn(at), at
	return t, nil
}

// Seconds is how many seconds the rendition is counted in (see SecondsIn).
func (t Timeline) Seconds() int { return t.seconds }

// Segment adds to out the seconds segment number n covers: those whose middle (s + 0.5)
// lies in the segment, so that a second shared by two segments belongs to exactly one
// (the last segment also has the last second, whatever its length). ok is false for a
// number the playlist does not list.
func (t Timeline) Segment(n int, out *Seconds) (ok bool) {
	seg, ok := t.segments[n]
	if !ok {
		return false
	}
	first := max(0, int(math.Ceil(seg.start-0.5)))
	last := min(t.seconds-1, int(math.Ceil(seg.end-0.5))-1)
	if seg.end >= t.total {
		last = t.seconds - 1
	}
	for s := first; s <= last; s++ {
		out.Set(s)
	}
	return true
}

// SegmentNumber reads the number of a media segment from its file name: the digits
// before the extension ("seg_00003.m4s" is 3); ok is false for a name without them.
func SegmentNumber(name string) (n int, ok bool) {
	base := strings.TrimSuffix(name, path.Ext(name))
	i := len(base)
	for i > 0 && base[i-1] >= '0' && base[i-1] <= '9' {
		i--
	}
	if i == len(base) || len(base)-i > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(base[i:])
	return n, err == nil
}
