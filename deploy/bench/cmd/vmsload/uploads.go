package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// uploadFlags are the flags the tus and multipart modes share.
type uploadFlags struct {
	base, token, file, name, visibility string
	pid                                 int
	sample, timeout                     time.Duration
}

func (f *uploadFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.base, "base", "http://127.0.0.1:8080", "server base URL")
	fs.StringVar(&f.token, "token", "", "access token of a corporation admin")
	fs.StringVar(&f.file, "file", "", "the video to upload (streamed from disk, never held in memory)")
	fs.StringVar(&f.name, "name", "bench upload", "the video's name")
	fs.StringVar(&f.visibility, "visibility", "public", "the video's visibility")
	fs.IntVar(&f.pid, "pid", 0, "server process whose VmRSS is sampled during the upload (and whose VmHWM is reset before it)")
	fs.DurationVar(&f.sample, "sample", 10*time.Millisecond, "pause between two VmRSS samples")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Minute, "longest time one request may take")
}

func (f *uploadFlags) check() error {
	if f.token == "" || f.file == "" {
		return errors.New("need -token and -file")
	}
	return nil
}

// plainReader hides io.WriterTo and the *os.File type of what it wraps, so the client
// copies every request body the same way (read, then write, 32 KiB at a time), whatever
// the body is made of: neither mode gets sendfile and the other not.
type plainReader struct{ io.Reader }

// runTUS uploads a file through the tus 1.0 routes: POST /v1/uploads with Upload-Length
// and Upload-Metadata, then PATCH chunks of -chunk bytes, each streamed from the file.
func runTUS(args []string) error {
	fs := flag.NewFlagSet("tus", flag.ContinueOnError)
	var uf uploadFlags
	uf.register(fs)
	chunk := fs.Int64("chunk", 8<<20, "bytes per PATCH")
	chunked := fs.Bool("chunked", false, "send each PATCH body with Transfer-Encoding: chunked instead of a Content-Length (a diagnostic: tus clients send Content-Length)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := uf.check(); err != nil {
		return err
	}
	if *chunk < 1 {
		return errors.New("need -chunk ≥ 1")
	}
	f, err := os.Open(uf.file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() == 0 {
		return errors.New("the file is empty")
	}
	client := newClient(1, uf.timeout)
	rss := startRSS(uf.pid, uf.sample)
	start := time.Now()
	res, err := tusUpload(client, uf, f, st.Size(), *chunk, *chunked)
	wall := time.Since(start)
	mem := rss.stop()
	if err != nil {
		return err
	}
	fmt.Printf("TUS bytes=%d chunk=%d chunked=%t patches=%d wall_ms=%s mib_s=%.2f create_ms=%s last_patch_ms=%s video=%d %s\n",
		st.Size(), *chunk, *chunked, res.patches, msStr(wall), mibPerSecond(st.Size(), wall), msStr(res.create), msStr(res.last), res.video, mem)
	return nil
}

// tusResult is what one tus upload reports.
type tusResult struct {
	video        int64
	patches      int
	create, last time.Duration // the POST; the PATCH that completed the upload
}

// tusUpload creates the upload and sends the file in chunks; the answer to the last PATCH
// must name the video in Video-Id.
func tusUpload(client *http.Client, uf uploadFlags, f *os.File, size, chunk int64, chunked bool) (tusResult, error) {
	var res tusResult
	t0 := time.Now()
	req, err := http.NewRequest(http.MethodPost, strings.TrimSuffix(uf.base, "/")+"/v1/uploads", http.NoBody)
	if err != nil {
		return res, err
	}
	req.Header.Set("Authorization", "Bearer "+uf.token)
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Upload-Length", strconv.FormatInt(size, 10))
	req.Header.Set("Upload-Metadata", tusMetadata(map[string]string{"name": uf.name, "filetype": "video/mp4", "visibility": uf.visibility}))
	h, err := send(client, req, http.StatusCreated)
	if err != nil {
		return res, fmt.Errorf("create: %w", err)
	}
	loc, err := req.URL.Parse(h.Get("Location"))
	if err != nil || h.Get("Location") == "" {
		return res, fmt.Errorf("create: no usable Location: %q", h.Get("Location"))
	}
	res.create = time.Since(t0)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return res, err
	}
	var offset int64
	for offset < size {
		n := min(chunk, size-offset)
		t := time.Now()
		length := n
		if chunked {
			length = -1
		}
		h, err := tusPatch(client, uf.token, loc, offset, length, plainReader{io.LimitReader(f, n)})
		if err != nil {
			return res, fmt.Errorf("PATCH at offset %d: %w", offset, err)
		}
		res.patches++
		res.last = time.Since(t)
		got, err := strconv.ParseInt(h.Get("Upload-Offset"), 10, 64)
		if err != nil || got != offset+n {
			return res, fmt.Errorf("PATCH at offset %d: Upload-Offset %q, want %d", offset, h.Get("Upload-Offset"), offset+n)
		}
		offset = got
		if offset == size {
			res.video, err = strconv.ParseInt(h.Get("Video-Id"), 10, 64)
			if err != nil || res.video <= 0 {
				return res, fmt.Errorf("the last PATCH has no Video-Id: %q", h.Get("Video-Id"))
			}
		}
	}
	return res, nil
}

// tusPatch sends body at offset; length is its Content-Length (-1: chunked).
func tusPatch(client *http.Client, token string, loc *url.URL, offset, length int64, body io.Reader) (http.Header, error) {
	req, err := http.NewRequest(http.MethodPatch, loc.String(), body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = length
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Tus-Resumable", "1.0.0")
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	req.Header.Set("Upload-Offset", strconv.FormatInt(offset, 10))
	return send(client, req, http.StatusNoContent)
}

// tusMetadata encodes Upload-Metadata: "key base64(value)" pairs, comma-separated, in
// key order.
func tusMetadata(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	pairs := make([]string, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, k+" "+base64.StdEncoding.EncodeToString([]byte(m[k])))
	}
	return strings.Join(pairs, ",")
}

// runMultipart uploads a file through POST /v1/videos (multipart/form-data: name,
// visibility, file) in one request whose body is streamed from the file with its
// Content-Length set, as curl -F sends it.
func runMultipart(args []string) error {
	fs := flag.NewFlagSet("multipart", flag.ContinueOnError)
	var uf uploadFlags
	uf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := uf.check(); err != nil {
		return err
	}
	f, err := os.Open(uf.file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	head, tail, contentType, err := multipartFrame(uf.name, uf.visibility, filepath.Base(uf.file))
	if err != nil {
		return err
	}
	client := newClient(1, uf.timeout)
	rss := startRSS(uf.pid, uf.sample)
	start := time.Now()
	body := plainReader{io.MultiReader(bytes.NewReader(head), io.LimitReader(f, st.Size()), bytes.NewReader(tail))}
	req, err := http.NewRequest(http.MethodPost, strings.TrimSuffix(uf.base, "/")+"/v1/videos", body)
	if err != nil {
		return err
	}
	req.ContentLength = int64(len(head)) + st.Size() + int64(len(tail))
	req.Header.Set("Authorization", "Bearer "+uf.token)
	req.Header.Set("Content-Type", contentType)
	video, err := createdVideo(client, req)
	wall := time.Since(start)
	mem := rss.stop()
	if err != nil {
		return fmt.Errorf("POST /v1/videos: %w", err)
	}
	fmt.Printf("MULTIPART bytes=%d body_bytes=%d wall_ms=%s mib_s=%.2f video=%d %s\n",
		st.Size(), req.ContentLength, msStr(wall), mibPerSecond(st.Size(), wall), video, mem)
	return nil
}

// multipartFrame returns the multipart body around the file's bytes: the name and
// visibility fields and the file part's header, then the closing boundary.
func multipartFrame(name, visibility, filename string) (head, tail []byte, contentType string, err error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("name", name)
	_ = w.WriteField("visibility", visibility)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	h.Set("Content-Type", "video/mp4")
	if _, err := w.CreatePart(h); err != nil {
		return nil, nil, "", err
	}
	head = bytes.Clone(b.Bytes())
	b.Reset()
	if err := w.Close(); err != nil {
		return nil, nil, "", err
	}
	return head, bytes.Clone(b.Bytes()), w.FormDataContentType(), nil
}

// createdVideo sends req, which must answer 201 with the video's JSON, and returns its id.
func createdVideo(client *http.Client, req *http.Request) (int64, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusCreated {
		return 0, errors.New(resp.Status + " " + string(bytes.TrimSpace(data)))
	}
	var v struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(data, &v); err != nil || v.ID <= 0 {
		return 0, fmt.Errorf("no video id in the answer: %s", bytes.TrimSpace(data))
	}
	return v.ID, nil
}

// send runs req, which must answer want, and returns the answer's header; the body is
// read and closed, so the connection is reused.
func send(client *http.Client, req *http.Request, want int) (http.Header, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, errors.New(resp.Status + " " + string(bytes.TrimSpace(data)))
	}
	return resp.Header, nil
}

func mibPerSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / (1 << 20) / d.Seconds()
}

// rssSampler reads a process's VmRSS every few milliseconds until stopped. Before it
// starts it resets the process's VmHWM (writing 5 to /proc/PID/clear_refs, which needs
// the right to ptrace it); when that worked, the VmHWM read at the end is the exact peak
// resident set since the reset, which samples can miss between two readings.
type rssSampler struct {
	pid      int
	hwmReset bool
	first    int64
	peak     int64
	samples  int
	quit     chan struct{}
	wg       sync.WaitGroup
}

// startRSS starts sampling pid (pid ≤ 0: nothing is sampled).
func startRSS(pid int, every time.Duration) *rssSampler {
	s := &rssSampler{pid: pid, quit: make(chan struct{})}
	if pid <= 0 {
		return s
	}
	s.hwmReset = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
	s.first, _ = vmRSSKiB(pid)
	s.wg.Go(func() {
		for {
			if kb, err := vmRSSKiB(pid); err == nil {
				s.peak = max(s.peak, kb)
				s.samples++
			}
			select {
			case <-s.quit:
				return
			case <-time.After(every):
			}
		}
	})
	return s
}

// stop ends the sampling and formats what it saw: VmRSS at the start, the highest VmRSS
// sampled, VmHWM since the reset (0 when it could not be reset) and their maximum.
func (s *rssSampler) stop() string {
	if s.pid <= 0 {
		return "rss_start_kib=0 peak_rss_kib=0 sampled_peak_kib=0 hwm_kib=0 samples=0"
	}
	close(s.quit)
	s.wg.Wait()
	if kb, err := vmRSSKiB(s.pid); err == nil {
		s.peak = max(s.peak, kb)
		s.samples++
	}
	var hwm int64
	if s.hwmReset {
		hwm, _ = procStatusKiB(s.pid, "VmHWM:")
	}
	return fmt.Sprintf("rss_start_kib=%d peak_rss_kib=%d sampled_peak_kib=%d hwm_kib=%d samples=%d",
		s.first, max(s.peak, hwm), s.peak, hwm, s.samples)
}
