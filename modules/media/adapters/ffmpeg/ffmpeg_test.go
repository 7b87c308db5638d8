package ffmpeg_test

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

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
