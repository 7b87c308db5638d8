package ffmpeg_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vms/modules/media/adapters/ffmpeg"
	"vms/modules/media/domain"
	"vms/modules/media/ports"
)

// tools finds the real tools; CI installs Debian's ffmpeg, so a missing tool fails there.
func tools(t *testing.T) ffmpeg.Tools {
	t.Helper()
	tl, err := ffmpeg.Find("ffprobe", "ffmpeg")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("ffmpeg is required in CI: %v", err)
		}
		t.Skipf("ffmpeg not installed (apt-get install ffmpeg): %v", err)
	}
	return tl
}

func fileInput(path string) ports.Input {
	return ports.Input{Open: func(context.Context) (io.ReadSeekCloser, error) { return os.Open(path) }}
}

// memInput is a non-file reader, like an S3 object: the tools read it over loopback HTTP.
type memInput struct {
	b     []byte
	opens int
	err   error
}

type memReader struct{ *bytes.Reader }

func (memReader) Close() error { return nil }

func (m *memInput) input() ports.Input {
	return ports.Input{Open: func(context.Context) (io.ReadSeekCloser, error) {
		m.opens++
		if m.err != nil && m.opens > 1 {
			return nil, m.err
		}
		return memReader{bytes.NewReader(m.b)}, nil
	}}
}

func checkSample(t *testing.T, p domain.Probe) {
	t.Helper()
	if math.Abs(p.DurationSeconds-2) > 0.05 || p.Width != 320 || p.Height != 240 || p.VideoCodec != "h264" || p.AudioCodec != "aac" || p.Bitrate <= 0 {
		t.Fatalf("probe = %+v", p)
	}
}

func TestProbeAndPosterOfALocalFile(t *testing.T) {
	tl := tools(t)
	in := fileInput("testdata/sample.mp4")
	p, err := tl.Probe(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkSample(t, p)
	jpg, err := tl.Poster(context.Background(), in, domain.PosterOffset(p.DurationSeconds), domain.PosterMaxWidth)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 320 || img.Bounds().Dy() != 240 {
		t.Fatalf("poster %v, want 320x240", img.Bounds())
	}
}

func TestProbeAndPosterThroughRangedReads(t *testing.T) {
	tl := tools(t)
	b, err := os.ReadFile("testdata/sample.mp4")
	if err != nil {
		t.Fatal(err)
	}
	m := &memInput{b: b}
	p, err := tl.Probe(context.Background(), m.input())
	if err != nil {
		t.Fatal(err)
	}
	checkSample(t, p)
	if m.opens < 2 {
		t.Fatalf("the reader was opened %d times: the loopback server was not used", m.opens)
	}
	if _, err := tl.Poster(context.Background(), m.input(), 0.2, 1280); err != nil {
		t.Fatal(err)
	}
}

// A storage failure behind the loopback server is reported as such (retried), not as an
// unreadable file (failed for good).
func TestStorageFailureIsNotAnUnreadableFile(t *testing.T) {
	tl := tools(t)
	b, _ := os.ReadFile("testdata/sample.mp4")
	m := &memInput{b: b, err: errors.New("bucket unreachable")}
	_, err := tl.Probe(context.Background(), m.input())
	var unreadable *domain.UnreadableError
	if err == nil || errors.As(err, &unreadable) {
		t.Fatalf("Probe = %v, want the storage error", err)
	}
}

func TestWidePosterIsScaledTo1280(t *testing.T) {
	tl := tools(t)
	wide := filepath.Join(t.TempDir(), "wide.mp4")
	out, err := exec.Command(tl.FFmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=5", "-t", "1",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", wide).CombinedOutput()
	if err != nil {
		t.Fatalf("make wide clip: %v\n%s", err, out)
	}
	jpg, err := tl.Poster(context.Background(), fileInput(wide), 0.1, domain.PosterMaxWidth)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 1280 || img.Bounds().Dy() != 720 {
		t.Fatalf("poster %v, want 1280x720", img.Bounds())
	}
}

func TestUnreadableFile(t *testing.T) {
	tl := tools(t)
	junk := filepath.Join(t.TempDir(), "junk.webm")
	if err := os.WriteFile(junk, append([]byte{0x1A, 0x45, 0xDF, 0xA3}, bytes.Repeat([]byte("noise "), 500)...), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := tl.Probe(context.Background(), fileInput(junk))
	var unreadable *domain.UnreadableError
	if !errors.As(err, &unreadable) || unreadable.Reason == "" {
		t.Fatalf("Probe of junk = %v, want an UnreadableError with a reason", err)
	}
	if _, err := tl.Poster(context.Background(), fileInput(junk), 0, 1280); !errors.As(err, &unreadable) {
		t.Fatalf("Poster of junk = %v, want an UnreadableError", err)
	}
}

func TestFindRefusesMissingOrWrongTools(t *testing.T) {
	if _, err := ffmpeg.Find("/nonexistent/ffprobe", "ffmpeg"); err == nil {
		t.Fatal("Find accepted a missing ffprobe")
	}
	// A program that runs but is not ffmpeg.
	if _, err := ffmpeg.Find("ffprobe", "/bin/true"); err == nil {
		t.Fatal("Find accepted /bin/true as ffmpeg")
	}
}

// The end of the job's context (JOB_TIMEOUT, or the replica stopping) is not an unreadable
// file: the job is retried.
func TestEndOfTheJobIsNotAnUnreadableFile(t *testing.T) {
	tl := tools(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, call := range map[string]func() error{
		"probe":  func() error { _, err := tl.Probe(ctx, fileInput("testdata/sample.mp4")); return err },
		"poster": func() error { _, err := tl.Poster(ctx, fileInput("testdata/sample.mp4"), 0, 1280); return err },
	} {
		err := call()
		var unreadable *domain.UnreadableError
		if !errors.Is(err, context.Canceled) || errors.As(err, &unreadable) {
			t.Fatalf("%s with an ended job = %v, want the cancellation, not an unreadable file", name, err)
		}
	}
}

// hlsCopy transcodes in with plan and copies the output to a folder of the test's (the
// tool's own is removed when Transcode returns).
func hlsCopy(t *testing.T, tl ffmpeg.Tools, in ports.Input, plan domain.TranscodePlan) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hls")
	start := time.Now()
	err := tl.Transcode(context.Background(), in, plan, func(out fs.FS) error { return os.CopyFS(dir, out) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("transcode of %d renditions took %v", len(plan.Rungs), time.Since(start).Round(time.Millisecond))
	return dir
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkHLS checks the output against the plan: ffmpeg's master playlist lists every rung
// at its size with codecs, and each rung has its media playlist over init.mp4 and
// segments of at most about SegmentSeconds, all present. It returns the master's variants.
func checkHLS(t *testing.T, dir string, plan domain.TranscodePlan, seconds float64) []domain.Variant {
	t.Helper()
	variants, err := domain.ParseMaster(readFile(t, filepath.Join(dir, "master.m3u8")))
	if err != nil {
		t.Fatal(err)
	}
	if len(variants) != len(plan.Rungs) {
		t.Fatalf("master lists %d variants, want %d", len(variants), len(plan.Rungs))
	}
	for i, r := range plan.Rungs {
		v := variants[i]
		if v.URI != r.Name+"/index.m3u8" || v.Width != r.Width || v.Height != r.Height || !strings.HasPrefix(v.Codecs, "avc1.") ||
			strings.Contains(v.Codecs, "mp4a.40.2") != plan.Audio {
			t.Fatalf("variant %d = %+v, want %s at %dx%d (audio %v)", i, v, r.Name, r.Width, r.Height, plan.Audio)
		}
		text := readFile(t, filepath.Join(dir, r.Name, "index.m3u8"))
		pl, err := domain.ParseMediaPlaylist(text)
		if err != nil {
			t.Fatal(err)
		}
		if pl.Map != "init.mp4" || strings.Contains(text, "init_") || !strings.Contains(text, "#EXT-X-ENDLIST") {
			t.Fatalf("%s playlist:\n%s", r.Name, text)
		}
		if _, err := os.Stat(filepath.Join(dir, r.Name, "init.mp4")); err != nil {
			t.Fatal(err)
		}
		var total float64
		for j, s := range pl.Segments {
			if want := fmt.Sprintf("seg_%05d.m4s", j+1); s.URI != want || s.Seconds > domain.SegmentSeconds+0.1 || s.Seconds <= 0 {
				t.Fatalf("%s segment %d = %+v, want %s of at most %d s", r.Name, j, s, want, domain.SegmentSeconds)
			}
			if _, err := os.Stat(filepath.Join(dir, r.Name, s.URI)); err != nil {
				t.Fatal(err)
			}
			total += s.Seconds
		}
		if math.Abs(total-seconds) > 0.2 {
			t.Fatalf("%s segments last %v s, want %v", r.Name, total, seconds)
		}
	}
	return variants
}

func TestTranscodeOfASmallFileIsOneRenditionAtItsHeight(t *testing.T) {
	tl := tools(t)
	in := fileInput("testdata/sample.mp4")
	p, err := tl.Probe(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	plan := domain.PlanTranscode([]int{360, 720}, p)
	if len(plan.Rungs) != 1 || plan.Rungs[0].Name != "240p" || !plan.Audio {
		t.Fatalf("plan = %+v", plan)
	}
	dir := hlsCopy(t, tl, in, plan)
	checkHLS(t, dir, plan, 2)
	entries, _ := os.ReadDir(filepath.Join(dir, "240p"))
	if len(entries) != 3 { // index.m3u8, init.mp4, seg_00001.m4s
		t.Fatalf("240p holds %d files, want 3", len(entries))
	}
}

func TestTranscodeLadderIsPlayable(t *testing.T) {
	tl := tools(t)
	src := filepath.Join(t.TempDir(), "hd.mp4")
	out, err := exec.Command(tl.FFmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "8",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", src).CombinedOutput()
	if err != nil {
		t.Fatalf("make 720p clip: %v\n%s", err, out)
	}
	in := fileInput(src)
	p, err := tl.Probe(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	plan := domain.PlanTranscode([]int{360, 720, 1080}, p)
	if len(plan.Rungs) != 2 || plan.Rungs[0].Width != 640 || plan.Rungs[1].Height != 720 {
		t.Fatalf("plan = %+v", plan)
	}
	dir := hlsCopy(t, tl, in, plan)
	// Six-second segments: two per rendition (6 s and 2 s).
	pl, _ := domain.ParseMediaPlaylist(readFile(t, filepath.Join(dir, "720p", "index.m3u8")))
	if len(pl.Segments) != 2 || math.Abs(pl.Segments[0].Seconds-6) > 0.1 {
		t.Fatalf("720p segments = %+v, want 6 s and 2 s", pl.Segments)
	}
	// A player's view: ffprobe reads the master playlist, ffmpeg's and the one the service
	// writes from it, and every rendition's stream.
	var rs []domain.Rendition
	for i, v := range checkHLS(t, dir, plan, 8) {
		rs = append(rs, domain.Rendition{Name: plan.Rungs[i].Name, Width: v.Width, Height: v.Height, Bandwidth: v.Bandwidth, AverageBandwidth: v.Bandwidth, Codecs: v.Codecs})
	}
	if err := os.WriteFile(filepath.Join(dir, "own.m3u8"), []byte(domain.MasterPlaylist(rs)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, master := range []string{"master.m3u8", "own.m3u8"} {
		probe, err := exec.Command(tl.FFprobe, "-v", "error", "-show_entries", "stream=codec_name,width,height",
			"-of", "csv=p=0", filepath.Join(dir, master)).CombinedOutput()
		if err != nil {
			t.Fatalf("ffprobe %s: %v\n%s", master, err, probe)
		}
		for _, want := range []string{"h264,640,360", "h264,1280,720", "aac"} {
			if !strings.Contains(string(probe), want) {
				t.Fatalf("ffprobe of %s lacks %q:\n%s", master, want, probe)
			}
		}
	}
}

func TestTranscodeThroughRangedReadsWithoutAudio(t *testing.T) {
	tl := tools(t)
	b, err := os.ReadFile("testdata/sample.mp4")
	if err != nil {
		t.Fatal(err)
	}
	m := &memInput{b: b}
	plan := domain.TranscodePlan{Rungs: domain.Ladder([]int{144}, 320, 240)}
	dir := hlsCopy(t, tl, m.input(), plan)
	if m.opens < 2 {
		t.Fatalf("the reader was opened %d times: the loopback server was not used", m.opens)
	}
	checkHLS(t, dir, plan, 2)
}

func TestTranscodeRemovesItsOutputAndReturnsUsesError(t *testing.T) {
	tl := tools(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	plan := domain.TranscodePlan{Rungs: domain.Ladder(nil, 160, 120)}
	errUse := errors.New("storage unavailable")
	err := tl.Transcode(context.Background(), fileInput("testdata/sample.mp4"), plan, func(out fs.FS) error {
		if _, err := fs.Stat(out, "120p/init.mp4"); err != nil {
			t.Errorf("output without 120p/init.mp4: %v", err)
		}
		return errUse
	})
	if !errors.Is(err, errUse) {
		t.Fatalf("Transcode = %v, want use's error", err)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Fatalf("the temporary folder kept %d entries", len(entries))
	}
	if err := tl.Transcode(context.Background(), fileInput("testdata/sample.mp4"), domain.TranscodePlan{}, func(fs.FS) error { return nil }); err == nil {
		t.Fatal("Transcode of an empty plan succeeded")
	}
}

func TestTranscodeFailures(t *testing.T) {
	tl := tools(t)
	plan := domain.TranscodePlan{Rungs: domain.Ladder(nil, 320, 240), Audio: true}
	used := func(fs.FS) error { t.Error("use called after a failed transcode"); return nil }
	junk := filepath.Join(t.TempDir(), "junk.mp4")
	if err := os.WriteFile(junk, bytes.Repeat([]byte("noise "), 500), 0o600); err != nil {
		t.Fatal(err)
	}
	var unreadable *domain.UnreadableError
	if err := tl.Transcode(context.Background(), fileInput(junk), plan, used); !errors.As(err, &unreadable) || !strings.Contains(err.Error(), "ffmpeg could not read the file") {
		t.Fatalf("Transcode of junk = %v, want an UnreadableError", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := tl.Transcode(ctx, fileInput("testdata/sample.mp4"), plan, used); !errors.Is(err, context.Canceled) || errors.As(err, &unreadable) {
		t.Fatalf("Transcode with an ended job = %v, want the cancellation", err)
	}
	b, _ := os.ReadFile("testdata/sample.mp4")
	m := &memInput{b: b, err: errors.New("bucket unreachable")}
	if err := tl.Transcode(context.Background(), m.input(), plan, used); err == nil || errors.As(err, &unreadable) {
		t.Fatalf("Transcode with a failing storage = %v, want the storage error", err)
	}
}

// A video stored sideways with a display rotation reports its displayed size, so the
// renditions are planned (and scaled) upright, not squeezed.
func TestRotatedVideoReportsItsDisplayedSize(t *testing.T) {
	tl := tools(t)
	dir := t.TempDir()
	plain, rotated := filepath.Join(dir, "plain.mp4"), filepath.Join(dir, "rotated.mp4")
	if out, err := exec.Command(tl.FFmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t", "1",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", plain).CombinedOutput(); err != nil {
		t.Fatalf("make clip: %v\n%s", err, out)
	}
	if out, err := exec.Command(tl.FFmpeg, "-v", "error", "-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated).CombinedOutput(); err != nil {
		t.Fatalf("rotate clip: %v\n%s", err, out)
	}
	p, err := tl.Probe(context.Background(), fileInput(rotated))
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 240 || p.Height != 320 {
		t.Fatalf("rotated clip probed as %dx%d, want 240x320 (as displayed)", p.Width, p.Height)
	}
	jpg, err := tl.Poster(context.Background(), fileInput(rotated), 0.1, domain.PosterMaxWidth)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil || img.Bounds().Dx() != 240 || img.Bounds().Dy() != 320 {
		t.Fatalf("poster of the rotated clip: %v, %v", img.Bounds(), err)
	}
}

// A playlist that names another file is not a container the tools open.
func TestPlaylistsAreNotOpened(t *testing.T) {
	tl := tools(t)
	dir := t.TempDir()
	// The playlist names a real video, which the tools must not open through it.
	secret, err := filepath.Abs("testdata/sample.mp4")
	if err != nil {
		t.Fatal(err)
	}
	pl := filepath.Join(dir, "upload.mp4")
	body := "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nfile:" + secret + "\n#EXT-X-ENDLIST\n"
	if err := os.WriteFile(pl, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = tl.Probe(context.Background(), fileInput(pl))
	var unreadable *domain.UnreadableError
	if !errors.As(err, &unreadable) {
		t.Fatalf("Probe of a playlist = %v, want it refused as unreadable", err)
	}
}
