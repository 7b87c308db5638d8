package domain

import (
	"errors"
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Rendition is one variant stream of a video's HLS, as the master playlist announces it.
type Rendition struct {
	Name             string // "720p": the folder of its files under the video's HLS root
	Width            int
	Height           int
	Bandwidth        int64  // the peak segment bitrate, bits per second
	AverageBandwidth int64  // all segments' bits over their duration, bits per second
	Codecs           string // RFC 6381 codecs, e.g. "avc1.64001f,mp4a.40.2"
}

// HLSFile is one stored file of a video's HLS: its path relative to the video's HLS root
// (master.m3u8, <name>/index.m3u8, <name>/init.mp4, <name>/seg_00001.m4s) and its key in
// the video storage.
type HLSFile struct {
	Path string
	Key  string
	Size int64
}

// The names of the HLS files: the master playlist at the root, and per rendition, in the
// rendition's folder, its media playlist, its fMP4 initialization segment and its media
// segments seg_00001.m4s, seg_00002.m4s, ….
const (
	MasterPlaylistName = "master.m3u8"
	MediaPlaylistName  = "index.m3u8"
	InitSegmentName    = "init.mp4"
)

// SegmentSeconds is the target duration of a media segment; key frames are forced at
// this interval so that every rendition's segments start at the same instants.
const SegmentSeconds = 6

// AudioBitrate is the bitrate of the stereo AAC track of every rendition.
const AudioBitrate = 128_000

// ContentType is the media type an HLS file is stored and served with.
func ContentType(name string) string {
	switch path.Ext(name) {
	case ".m3u8":
		return "application/vnd.apple.mpegurl"
	case ".m4s":
		return "video/iso.segment"
	default:
		return "video/mp4"
	}
}

// Rung is one rendition to encode: its size and the video bitrate it gets.
type Rung struct {
	Name    string // e.g. "720p"
	Width   int
	Height  int
	Bitrate int64 // target video bitrate, bits per second
	MaxRate int64 // 1.1 × Bitrate
	BufSize int64 // 2 × Bitrate
}

// TranscodePlan is what one transcode run encodes: the rungs, ascending by height, and
// whether the renditions carry the source's audio.
type TranscodePlan struct {
	Rungs []Rung
	Audio bool
}

// PlanTranscode plans the renditions of a probed file with the ladder's heights.
func PlanTranscode(ladder []int, p Probe) TranscodePlan {
	return TranscodePlan{Rungs: Ladder(ladder, p.Width, p.Height), Audio: p.AudioCodec != ""}
}

// Ladder returns the rungs for a source of width × height: the ladder's heights not above
// the source's (never upscaling), ascending; when none fits, one rung at the source's
// height rounded down to even. Widths keep the source's aspect ratio, rounded to even.
// A source without a size gets no rungs.
func Ladder(heights []int, width, height int) []Rung {
	if width <= 0 || height <= 0 {
		return nil
	}
	hs := slices.Clone(heights)
	slices.Sort(hs)
	hs = slices.Compact(hs)
	var rungs []Rung
	for _, h := range hs {
		if h >= 2 && h <= height {
			rungs = append(rungs, rung(width, height, h&^1))
		}
	}
	if len(rungs) == 0 {
		rungs = append(rungs, rung(width, height, max(2, height&^1)))
	}
	return rungs
}

func rung(srcW, srcH, h int) Rung {
	w := max(2, int(math.Round(float64(srcW)*float64(h)/float64(srcH)/2))*2)
	b := VideoBitrate(w, h)
	return Rung{Name: strconv.Itoa(h) + "p", Width: w, Height: h, Bitrate: b, MaxRate: b * 11 / 10, BufSize: 2 * b}
}

// bitrates are the target video bitrates of 16:9 frames of these heights.
var bitrates = []struct {
	height int
	bps    float64
}{
	{240, 400_000}, {360, 800_000}, {480, 1_400_000}, {720, 2_800_000},
	{1080, 5_000_000}, {1440, 8_000_000}, {2160, 14_000_000},
}

// MinVideoBitrate is the lowest target video bitrate, for the smallest frames.
const MinVideoBitrate = 100_000

// VideoBitrate is the target H.264 bitrate of a width × height frame, interpolated by
// pixel count between the table's 16:9 frames (proportional beyond its ends), rounded to
// 1 kbit/s and at least MinVideoBitrate.
func VideoBitrate(width, height int) int64 {
	px := float64(width) * float64(height)
	pixels := func(i int) float64 { h := float64(bitrates[i].height); return h * h * 16 / 9 }
	last := len(bitrates) - 1
	var bps float64
	switch {
	case px <= pixels(0):
		bps = bitrates[0].bps * px / pixels(0)
	case px >= pixels(last):
		bps = bitrates[last].bps * px / pixels(last)
	default:
		i := 0
		for px >= pixels(i+1) {
			i++
		}
		lo, hi := pixels(i), pixels(i+1)
		bps = bitrates[i].bps + (bitrates[i+1].bps-bitrates[i].bps)*(px-lo)/(hi-lo)
	}
	return max(MinVideoBitrate, int64(math.Round(bps/1000))*1000)
}

// Variant is one stream of a master playlist.
type Variant struct {
	URI       string
	Bandwidth int64
	Width     int
	Height    int
	Codecs    string
}

// Segment is one media segment of a media playlist.
type Segment struct {
	URI     string
	Seconds float64
}

// MediaPlaylist is what a media playlist lists: its initialization segment (EXT-X-MAP)
// and its media segments.
type MediaPlaylist struct {
	Map      string
	Segments []Segment
}

// ErrNotPlaylist is a text that does not start with #EXTM3U.
var ErrNotPlaylist = errors.New("not an M3U8 playlist")

func playlistLines(text string) ([]string, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if strings.TrimSpace(lines[0]) != "#EXTM3U" {
		return nil, ErrNotPlaylist
	}
	return lines[1:], nil
}

// ParseMaster reads the streams (EXT-X-STREAM-INF and the URI after it) of a master
// playlist.
func ParseMaster(text string) ([]Variant, error) {
	lines, err := playlistLines(text)
	if err != nil {
		return nil, err
	}
	var out []Variant
	var pending *Variant
	for _, line := range lines {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "#EXT-X-STREAM-INF:"):
			attrs := parseAttributes(strings.TrimPrefix(line, "#EXT-X-STREAM-INF:"))
			v := Variant{Codecs: attrs["CODECS"]}
			if v.Bandwidth, err = strconv.ParseInt(attrs["BANDWIDTH"], 10, 64); err != nil {
				return nil, fmt.Errorf("stream with BANDWIDTH %q", attrs["BANDWIDTH"])
			}
			if res, ok := attrs["RESOLUTION"]; ok {
				w, h, _ := strings.Cut(res, "x")
				v.Width, err = strconv.Atoi(w)
				if err == nil {
					v.Height, err = strconv.Atoi(h)
				}
				if err != nil {
					return nil, fmt.Errorf("stream with RESOLUTION %q", res)
				}
			}
			pending = &v
		case strings.HasPrefix(line, "#"):
		case pending == nil:
			return nil, fmt.Errorf("URI %q without #EXT-X-STREAM-INF", line)
		default:
			pending.URI = line
			out = append(out, *pending)
			pending = nil
		}
	}
	if pending != nil {
		return nil, errors.New("#EXT-X-STREAM-INF without a URI")
	}
	return out, nil
}

// ParseMediaPlaylist reads the initialization segment and the media segments with their
// durations (EXTINF) of a media playlist.
func ParseMediaPlaylist(text string) (MediaPlaylist, error) {
	lines, err := playlistLines(text)
	if err != nil {
		return MediaPlaylist{}, err
	}
	var out MediaPlaylist
	seconds := -1.0
	for _, line := range lines {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "#EXT-X-MAP:"):
			out.Map = parseAttributes(strings.TrimPrefix(line, "#EXT-X-MAP:"))["URI"]
		case strings.HasPrefix(line, "#EXTINF:"):
			d, _, _ := strings.Cut(strings.TrimPrefix(line, "#EXTINF:"), ",")
			seconds, err = strconv.ParseFloat(strings.TrimSpace(d), 64)
			if err != nil || seconds < 0 {
				return MediaPlaylist{}, fmt.Errorf("segment duration %q", d)
			}
		case strings.HasPrefix(line, "#"):
		case seconds < 0:
			return MediaPlaylist{}, fmt.Errorf("segment %q without #EXTINF", line)
		default:
			out.Segments = append(out.Segments, Segment{URI: line, Seconds: seconds})
			seconds = -1
		}
	}
	return out, nil
}

// parseAttributes reads an attribute list (KEY=value,KEY="quoted, value",…); quoted
// values lose their quotes.
func parseAttributes(s string) map[string]string {
	out := map[string]string{}
	for s != "" {
		key, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		var value string
		if strings.HasPrefix(rest, `"`) {
			value, rest, _ = strings.Cut(rest[1:], `"`)
			_, rest, _ = strings.Cut(rest, ",")
		} else {
			value, rest, _ = strings.Cut(rest, ",")
		}
		out[strings.TrimSpace(key)] = value
		s = rest
	}
	return out
}

// SizedSegment is a media segment's size and duration.
type SizedSegment struct {
	Bytes   int64
	Seconds float64
}

// Bandwidths are a rendition's BANDWIDTH, the peak segment bitrate (the highest of each
// segment's bits over its duration, rounded up), and AVERAGE-BANDWIDTH, all segments' bits
// over their total duration (rounded). Segments without a duration count only toward the
// average's bits.
func Bandwidths(segments []SizedSegment) (peak, average int64) {
	var bits, seconds float64
	for _, s := range segments {
		b := float64(s.Bytes) * 8
		bits += b
		if s.Seconds > 0 {
			seconds += s.Seconds
			peak = max(peak, int64(math.Ceil(b/s.Seconds)))
		}
	}
	if seconds > 0 {
		average = int64(math.Round(bits / seconds))
	}
	return peak, average
}

// MasterPlaylist writes the master playlist of the renditions, ascending by height, each
// pointing at its media playlist <name>/index.m3u8.
func MasterPlaylist(renditions []Rendition) string {
	rs := slices.Clone(renditions)
	slices.SortStableFunc(rs, func(a, b Rendition) int { return a.Height - b.Height })
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "#EXT-X-STREAM-INF:BANDWIDTH=%d,AVERAGE-BANDWIDTH=%d,RESOLUTION=%dx%d,CODECS=\"%s\"\n%s\n",
			r.Bandwidth, r.AverageBandwidth, r.Width, r.Height, r.Codecs, r.Name+"/"+MediaPlaylistName)
	}
	return b.String()
}
