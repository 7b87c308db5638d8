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
	"io/fs"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"vms/modules/media/domain"
	"vms/modules/media/ports"
)

// Timeouts of one tool run. A transcode is bounded by the job's context (JOB_TIMEOUT) as
// well; its own timeout only stops a run that would otherwise go on for ever.
const (
	ProbeTimeout     = 30 * time.Second
	PosterTimeout    = 60 * time.Second
	TranscodeTimeout = 2 * time.Hour
)

// InputFormats are the demuxers the tools may use on an original: the containers of the
// video types an upload may sniff as (MP4/QuickTime, Matroska/WebM, AVI, MPEG program and
// transport streams). Playlists, concat scripts and image sequences, which can name other
// files, are refused.
const InputFormats = "mov,matroska,webm,avi,mpeg,mpegts,mpegvideo"

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
		Tags      struct {
			Rotate string `json:"rotate"`
		} `json:"tags"`
		SideData []struct {
			Rotation float64 `json:"rotation"`
		} `json:"side_data_list"`
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
		out, err = run(job, ctx, t.FFprobe, "ffprobe", "-v", "error", "-protocol_whitelist", whitelist, "-format_whitelist", InputFormats,
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
				// A phone video stored sideways with a rotation to apply on display: its
				// size is the displayed one, which is what ffmpeg's frames have (it
				// rotates them before any filter).
				rotation, _ := strconv.ParseFloat(s.Tags.Rotate, 64)
				for _, sd := range s.SideData {
					if sd.Rotation != 0 {
						rotation = sd.Rotation
					}
				}
				if q := int(math.Round(math.Abs(rotation))) % 180; q == 90 {
					p.Width, p.Height = p.Height, p.Width
				}
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
		out, err = run(job, ctx, t.FFmpeg, "ffmpeg", "-nostdin", "-v", "error", "-protocol_whitelist", whitelist, "-format_whitelist", InputFormats,
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

// Transcode encodes the ladder in one ffmpeg run into a temporary folder: the source's
// first video stream is split and scaled to each rung and encoded with libx264, each
// rendition muxed with its own copy of the first audio stream as stereo AAC (none when
// the plan has no audio), key frames forced every domain.SegmentSeconds so that the fMP4
// segments of every rendition start at the same instants. ffmpeg names a rendition's
// initialization segment init_<n>.mp4 when there are several; it is renamed init.mp4.
func (t Tools) Transcode(job context.Context, in ports.Input, plan domain.TranscodePlan, use func(out fs.FS) error) error {
	if len(plan.Rungs) == 0 {
		return errors.New("transcode: the plan has no renditions")
	}
	dir, err := os.MkdirTemp("", "vms-hls-*")
	if err != nil {
		return fmt.Errorf("transcode: %w", err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(job, TranscodeTimeout)
	defer cancel()
	err = t.withInput(ctx, in, func(src string, whitelist string) error {
		_, err := runIn(job, ctx, dir, t.FFmpeg, "ffmpeg", TranscodeArgs(src, whitelist, plan)...)
		return err
	})
	if err != nil {
		return err
	}
	for _, r := range plan.Rungs {
		if err := renameInit(dir, r.Name); err != nil {
			return err
		}
	}
	return use(os.DirFS(dir))
}

// TranscodeArgs are ffmpeg's arguments for a transcode of src, run in the output folder.
func TranscodeArgs(src, whitelist string, plan domain.TranscodePlan) []string {
	n := len(plan.Rungs)
	var graph strings.Builder
	fmt.Fprintf(&graph, "[0:v:0]split=%d", n)
	for i := range n {
		fmt.Fprintf(&graph, "[s%d]", i)
	}
	args := []string{"-nostdin", "-v", "error", "-protocol_whitelist", whitelist, "-format_whitelist", InputFormats, "-i", src}
	var maps, rates, streams []string
	for i, r := range plan.Rungs {
		fmt.Fprintf(&graph, ";[s%d]scale=%d:%d[v%d]", i, r.Width, r.Height, i)
		maps = append(maps, "-map", fmt.Sprintf("[v%d]", i))
		stream := fmt.Sprintf("v:%d", i)
		if plan.Audio {
			maps = append(maps, "-map", "0:a:0")
			stream += fmt.Sprintf(",a:%d", i)
		}
		streams = append(streams, stream+",name:"+r.Name)
		rates = append(rates,
			fmt.Sprintf("-b:v:%d", i), strconv.FormatInt(r.Bitrate, 10),
			fmt.Sprintf("-maxrate:v:%d", i), strconv.FormatInt(r.MaxRate, 10),
			fmt.Sprintf("-bufsize:v:%d", i), strconv.FormatInt(r.BufSize, 10))
	}
	args = append(args, "-filter_complex", graph.String())
	args = append(args, maps...)
	args = append(args, "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p")
	args = append(args, rates...)
	args = append(args, "-force_key_frames", fmt.Sprintf("expr:gte(t,n_forced*%d)", domain.SegmentSeconds), "-sc_threshold", "0")
	if plan.Audio {
		args = append(args, "-c:a", "aac", "-ac", "2", "-b:a", strconv.Itoa(domain.AudioBitrate))
	}
	return append(args,
		"-f", "hls", "-hls_time", strconv.Itoa(domain.SegmentSeconds), "-hls_playlist_type", "vod",
		"-hls_segment_type", "fmp4", "-hls_flags", "independent_segments", "-start_number", "1",
		"-hls_fmp4_init_filename", domain.InitSegmentName,
		"-hls_segment_filename", "%v/seg_%05d.m4s",
		"-master_pl_name", domain.MasterPlaylistName,
		"-var_stream_map", strings.Join(streams, " "),
		"%v/"+domain.MediaPlaylistName)
}

// renameInit names a rendition's initialization segment init.mp4 and points the media
// playlist's EXT-X-MAP at it.
func renameInit(dir, name string) error {
	playlist := filepath.Join(dir, name, domain.MediaPlaylistName)
	text, err := os.ReadFile(playlist) //nolint:gosec // G304: a file of our own temporary folder
	if err != nil {
		return &domain.UnreadableError{Reason: "ffmpeg wrote no playlist for " + name}
	}
	pl, err := domain.ParseMediaPlaylist(string(text))
	if err != nil || pl.Map == "" || pl.Map != filepath.Base(pl.Map) {
		return &domain.UnreadableError{Reason: "ffmpeg wrote an unexpected playlist for " + name}
	}
	if pl.Map == domain.InitSegmentName {
		return nil
	}
	if err := os.Rename(filepath.Join(dir, name, pl.Map), filepath.Join(dir, name, domain.InitSegmentName)); err != nil {
		return &domain.UnreadableError{Reason: "ffmpeg wrote no initialization segment for " + name}
	}
	fixed := strings.Replace(string(text), `#EXT-X-MAP:URI="`+pl.Map+`"`, `#EXT-X-MAP:URI="`+domain.InitSegmentName+`"`, 1)
	if err := os.WriteFile(playlist, []byte(fixed), 0o600); err != nil { //nolint:gosec // G703: a file of our own temporary folder
		return fmt.Errorf("transcode: %w", err)
	}
	return nil
}

// run runs a tool under ctx (the job's context job with the tool's own timeout) and
// returns its standard output. A tool that exits with an error is an UnreadableError
// carrying its first error line, and so is the tool's own timeout; the end of the job's
// context (JOB_TIMEOUT, or the replica stopping) is returned as it is, so the job is
// retried rather than the file taken for unreadable.
func run(job, ctx context.Context, path, name string, args ...string) ([]byte, error) {
	return runIn(job, ctx, "", path, name, args...)
}

// runIn is run in the working directory dir ("" for the process's own).
func runIn(job, ctx context.Context, dir, path, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, path, args...) //nolint:gosec // G204: fixed arguments, the operator's configured tool
	cmd.Dir = dir
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
		name, err := filepath.Abs(f.Name()) // the tool may run in another directory
		if err != nil {
			return fmt.Errorf("open original: %w", err)
		}
		return fn("file:"+name, "file")
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
