// Package ffmpeg runs ffprobe and ffmpeg as separate processes (never a cgo binding).
// A local original is read by path; any other (an S3 object) is served to the tool on a
// loopback listener for the duration of one call, through ranged reads, so the tool can
// seek without a copy of the file on disk.
package ffmpeg

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"vms/modules/media/domain"
	"vms/modules/media/ports"
)

// Timeouts of one tool run.
const (
	ProbeTimeout  = 30 * time.Second
	PosterTimeout = 60 * time.Second
)

// maxOutput bounds what is read from a tool's output: ffprobe's JSON, a poster JPEG.
const maxOutput = 16 << 20

// Tools runs the binaries at these paths.
type Tools struct {
	FFprobe string
	FFmpeg  string
}

var _ ports.Tools = Tools{}

// Find resolves the two tools (a name is looked up on PATH) and checks that they run.
func Find(ffprobe, ffmpeg string) (Tools, error) {
	var t Tools
	for _, tool := range []struct {
		name string
		path string
		dst  *string
	}{{"ffprobe", ffprobe, &t.FFprobe}, {"ffmpeg", ffmpeg, &t.FFmpeg}} {
		p, err := exec.LookPath(tool.path)
		if err != nil {
			return Tools{}, fmt.Errorf("%s not found at %q: %w", tool.name, tool.path, err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := exec.CommandContext(ctx, p, "-hide_banner", "-version").Output() //nolint:gosec // G204: the operator's configured tool
		cancel()
		if err != nil || !bytes.Contains(out, []byte(tool.name+" version")) {
			return Tools{}, fmt.Errorf("%s at %q does not run as %s: %v", tool.name, p, tool.name, err)
		}
		*tool.dst = p
	}
	return t, nil
}

type probeOutput struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
		Duration  string `json:"duration"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
		BitRate  string `json:"bit_rate"`
	} `json:"format"`
}

// Probe runs ffprobe with JSON output.
func (t Tools) Probe(job context.Context, in ports.Input) (domain.Probe, error) {
	ctx, cancel := context.WithTimeout(job, ProbeTimeout)
	defer cancel()
	var out []byte
	err := t.withInput(ctx, in, func(src string, whitelist string) error {
		var err error
		out, err = run(job, ctx, t.FFprobe, "ffprobe", "-v", "error", "-protocol_whitelist", whitelist,
			"-print_format", "json", "-show_format", "-show_streams", "-i", src)
		return err
	})
	if err != nil {
		return domain.Probe{}, err
	}
	var po probeOutput
	if err := json.Unmarshal(out, &po); err != nil {
		return domain.Probe{}, &domain.UnreadableError{Reason: "ffprobe gave no readable report: " + err.Error()}
	}
	var p domain.Probe
	for _, s := range po.Streams {
		switch s.CodecType {
		case "video":
			if p.VideoCodec == "" && s.Width > 0 {
				p.VideoCodec, p.Width, p.Height = s.CodecName, s.Width, s.Height
			}
		case "audio":
			if p.AudioCodec == "" {
				p.AudioCodec = s.CodecName
			}
		}
	}
	if p.VideoCodec == "" && p.AudioCodec == "" {
		return domain.Probe{}, &domain.UnreadableError{Reason: "ffprobe found no audio or video stream in the file"}
	}
	p.DurationSeconds, _ = strconv.ParseFloat(po.Format.Duration, 64)
	p.Bitrate, _ = strconv.ParseInt(po.Format.BitRate, 10, 64)
	return p, nil
}

// Poster extracts one frame as a JPEG.
func (t Tools) Poster(job context.Context, in ports.Input, offset float64, maxWidth int) ([]byte, error) {
	ctx, cancel := context.WithTimeout(job, PosterTimeout)
	defer cancel()
	var out []byte
	err := t.withInput(ctx, in, func(src string, whitelist string) error {
		var err error
		out, err = run(job, ctx, t.FFmpeg, "ffmpeg", "-nostdin", "-v", "error", "-protocol_whitelist", whitelist,
			"-ss", strconv.FormatFloat(offset, 'f', 3, 64), "-i", src,
			"-frames:v", "1", "-vf", fmt.Sprintf("scale='min(%d,iw)':-2", maxWidth),
			"-q:v", "3", "-f", "image2", "-c:v", "mjpeg", "pipe:1")
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) < 3 || out[0] != 0xFF || out[1] != 0xD8 {
		return nil, &domain.UnreadableError{Reason: "ffmpeg could not decode a frame for the poster"}
	}
	return out, nil
}

// run runs a tool under ctx (the job's context job with the tool's own timeout) and
// returns its standard output. A tool that exits with an error is an UnreadableError
// carrying its first error line, and so is the tool's own timeout; the end of the job's
// context (JOB_TIMEOUT, or the replica stopping) is returned as it is, so the job is
// retried rather than the file taken for unreadable.
func run(job, ctx context.Context, path, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, path, args...) //nolint:gosec // G204: fixed arguments, the operator's configured tool
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = maxOutput, 64<<10
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if job.Err() != nil {
		return nil, fmt.Errorf("%s: %w", name, job.Err())
	}
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, &domain.UnreadableError{Reason: name + " took too long reading the file"}
		}
		return nil, ctx.Err()
	}
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil, &domain.UnreadableError{Reason: name + " could not read the file: " + firstLine(stderr.String())}
		}
		return nil, fmt.Errorf("run %s: %w", name, err)
	}
	if stdout.over {
		return nil, &domain.UnreadableError{Reason: name + " wrote more output than expected"}
	}
	return stdout.Bytes(), nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "no details"
	}
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}

// withInput hands the input to fn as a path (a local file) or a loopback URL. Errors the
// loopback server meets reading the storage are returned instead of the tool's, so a
// storage outage is retried rather than taken for an unreadable file.
func (t Tools) withInput(ctx context.Context, in ports.Input, fn func(src, whitelist string) error) error {
	first, err := in.Open(ctx)
	if err != nil {
		return fmt.Errorf("open original: %w", err)
	}
	if f, ok := first.(*os.File); ok {
		defer f.Close()
		return fn("file:"+f.Name(), "file")
	}
	_ = first.Close()
	srv, err := serve(ctx, in)
	if err != nil {
		return err
	}
	defer srv.close()
	err = fn(srv.url, "http,tcp")
	if serr := srv.err(); serr != nil {
		return fmt.Errorf("read original from storage: %w", serr)
	}
	return err
}

// loopback serves one input to one tool run at an unguessable path on 127.0.0.1.
type loopback struct {
	url   string
	srv   *http.Server
	mu    sync.Mutex
	first error
}

func serve(ctx context.Context, in ports.Input) (*loopback, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("loopback listener: %w", err)
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	path := "/" + hex.EncodeToString(b[:])
	l := &loopback{url: "http://" + ln.Addr().String() + path}
	l.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		body, err := in.Open(ctx)
		if err != nil {
			l.fail(err)
			http.Error(w, "storage unavailable", http.StatusServiceUnavailable)
			return
		}
		defer body.Close()
		http.ServeContent(w, r, "", time.Time{}, &errorSeeker{ReadSeeker: body, l: l})
	})}
	go func() { _ = l.srv.Serve(ln) }()
	return l, nil
}

func (l *loopback) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.first == nil {
		l.first = err
	}
}

func (l *loopback) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.first
}

func (l *loopback) close() { _ = l.srv.Close() }

// errorSeeker records read errors other than EOF (a storage failure mid-file).
type errorSeeker struct {
	io.ReadSeeker
	l *loopback
}

func (e *errorSeeker) Read(p []byte) (int, error) {
	n, err := e.ReadSeeker.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		e.l.fail(err)
	}
	return n, err
}

// limitedBuffer keeps at most max bytes and remembers it overflowed.
type limitedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); len(p) > room {
		b.over = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}
