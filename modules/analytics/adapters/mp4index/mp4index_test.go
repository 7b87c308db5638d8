package mp4index_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"vms/modules/analytics/adapters/mp4index"
	"vms/modules/analytics/domain"
)

// encode makes a 12.3-second test clip (25 fps, a key frame every 2 s, B-frames, AAC)
// with ffmpeg, muxed with the given output options, and returns its path.
func encode(t *testing.T, name string, opts ...string) string {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatalf("ffmpeg is needed (apt-get install ffmpeg): %v", err)
	}
	out := filepath.Join(t.TempDir(), name)
	args := []string{"-v", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
		"-t", "12.3", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-g", "50", "-c:a", "aac"}
	args = append(append(args, opts...), out)
	if b, err := exec.Command(ffmpeg, args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", opts, err, b)
	}
	return out
}

func build(t *testing.T, path string) (domain.Index, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return mp4index.Build(f)
}

type packet struct {
	pos, size int64
	dts       float64
}

// packets lists the packets of the file's first stream of a kind (v or a) as ffprobe
// sees them: byte position, size and decode time (the edit list's shift applied).
func packets(t *testing.T, path, stream string) []packet {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", stream+":0",
		"-show_entries", "packet=pos,size,dts_time", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var ps []packet
	for _, line := range strings.Fields(string(out)) {
		f := strings.Split(line, ",")
		dts, err1 := strconv.ParseFloat(f[0], 64)
		size, err2 := strconv.ParseInt(f[1], 10, 64)
		pos, err3 := strconv.ParseInt(f[2], 10, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatalf("ffprobe line %q: %v", line, err)
		}
		ps = append(ps, packet{pos: pos, size: size, dts: dts})
	}
	if len(ps) == 0 {
		t.Fatal("ffprobe found no packets")
	}
	return ps
}

// expectExtents checks the index against ffprobe: each second's extent runs from the
// first byte of its first packet to the last byte of its last.
func expectExtents(t *testing.T, x domain.Index, ps []packet, seconds int) {
	t.Helper()
	if x.Seconds() != seconds {
		t.Fatalf("seconds = %d, want %d", x.Seconds(), seconds)
	}
	want := make([]domain.Span, seconds)
	for _, p := range ps {
		s := min(seconds-1, max(0, int(math.Floor(p.dts+1e-9))))
		e := &want[s]
		if e.Start == e.End {
			*e = domain.Span{Start: p.pos, End: p.pos + p.size}
		}
		e.Start, e.End = min(e.Start, p.pos), max(e.End, p.pos+p.size)
	}
	for s := range seconds {
		if got := x.Extent(s); got != want[s] {
			t.Errorf("extent of second %d = %v, ffprobe says %v", s, got, want[s])
		}
	}
}

func watched(x domain.Index, spans ...domain.Span) int {
	var set domain.Spans
	for _, s := range spans {
		set = set.Add(s.Start, s.End)
	}
	var out domain.Seconds
	x.Watched(set, &out)
	return out.Count(x.Seconds())
}

func TestBuildMatchesFFprobe(t *testing.T) {
	cases := []struct {
		name    string
		path    string
		stream  string
		seconds int
	}{
		{"the project's sample (moov first)", "../../../../app/testdata/sample.mp4", "v", 2},
		{"moov at the end", encode(t, "end.mp4"), "v", 12},
		{"moov first", encode(t, "fast.mp4", "-movflags", "+faststart"), "v", 12},
		{"QuickTime", encode(t, "clip.mov", "-f", "mov"), "v", 12},
		{"sound only", encode(t, "sound.m4a", "-vn"), "a", 12},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, err := build(t, c.path)
			if err != nil {
				t.Fatal(err)
			}
			expectExtents(t, x, packets(t, c.path, c.stream), c.seconds)
			info, _ := os.Stat(c.path)
			if n := watched(x, domain.Span{Start: 0, End: info.Size()}); n != c.seconds {
				t.Fatalf("the whole file watches %d seconds, want %d", n, c.seconds)
			}
		})
	}
}

// A player that reads only the index (moov at the end) or the last bytes has watched
// nothing; the first 30 % of the media data is about 30 % of the seconds.
func TestIndexAtTheEndIsNoWatching(t *testing.T) {
	path := encode(t, "end.mp4")
	x, err := build(t, path)
	if err != nil {
		t.Fatal(err)
	}
	ps := packets(t, path, "v")
	info, _ := os.Stat(path)
	lastSample := int64(0)
	for _, p := range ps {
		lastSample = max(lastSample, p.pos+p.size)
	}
	if n := watched(x, domain.Span{Start: lastSample, End: info.Size()}); n != 0 {
		t.Fatalf("the index alone watched %d seconds", n)
	}
	if n := watched(x, domain.Span{Start: info.Size() - 64<<10, End: info.Size()}); n > 1 {
		t.Fatalf("the last 64 KiB watched %d seconds", n)
	}
	// The first 30 % of the samples' bytes.
	firstSample := ps[0].pos
	cut := firstSample + (lastSample-firstSample)*3/10
	n := watched(x, domain.Span{Start: 0, End: cut})
	if n < 2 || n > 5 {
		t.Fatalf("30 %% of the media bytes watched %d of 12 seconds", n)
	}
}

func TestBuildRefusesOtherFiles(t *testing.T) {
	clip := encode(t, "fast.mp4", "-movflags", "+faststart")
	whole, err := os.ReadFile(clip)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		path string
		data []byte
	}{
		{"Matroska (as WebM)", encode(t, "clip.mkv"), nil},
		{"fragmented MP4", encode(t, "frag.mp4", "-movflags", "frag_keyframe+empty_moov"), nil},
		{"not a video", "", []byte("hello, this is not a video at all")},
		{"empty", "", []byte{}},
		{"header only", "", whole[:40]},
		{"a movie box cut short", "", whole[:200]},
		{"an absurd box size", "", append([]byte{0, 0, 0, 4, 'f', 't', 'y', 'p'}, whole[8:]...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.path != "" {
				_, err = build(t, c.path)
			} else {
				_, err = mp4index.Build(bytes.NewReader(c.data))
			}
			if err == nil {
				t.Fatal("indexed")
			}
			if !errors.Is(err, domain.ErrUnsupported) {
				t.Fatalf("error %v is not ErrUnsupported", err)
			}
		})
	}
}
