package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// mediaVideo is the part of a video answer the media mode reads.
type mediaVideo struct {
	ID    int64 `json:"id"`
	Media struct {
		Status          string   `json:"status"`
		Error           *string  `json:"error"`
		DurationSeconds *float64 `json:"duration_seconds"`
		PosterURL       *string  `json:"poster_url"`
	} `json:"media"`
}

// mediaRun is what one upload measured.
type mediaRun struct {
	video      int64
	upload     time.Duration // request sent → 201 read
	processing time.Duration // 201 read → the first answer with media.status ready
	polls      int
}

func runMedia(args []string) error {
	fs := flag.NewFlagSet("media", flag.ContinueOnError)
	base := fs.String("base", "http://127.0.0.1:8080", "server base URL")
	token := fs.String("token", "", "access token of a corporation admin")
	file := fs.String("file", "", "the video to upload (read once, sent n times)")
	n := fs.Int("n", 20, "uploads")
	conc := fs.Int("c", 2, "concurrent lanes: each uploads, waits for media.status ready, then uploads again")
	batch := fs.Bool("batch", false, "upload all n videos one after the other first, then wait until every one is ready (-c is ignored)")
	poll := fs.Duration("poll", 10*time.Millisecond, "pause between two GET /v1/videos/id/{id} of one video")
	timeout := fs.Duration("timeout", 2*time.Minute, "longest wait for one video to be ready (-batch: for all)")
	each := fs.Bool("each", false, "also print one MEDIA video=… line per upload")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" || *file == "" || *n < 1 || *conc < 1 {
		return fmt.Errorf("need -token, -file, -n ≥ 1 and -c ≥ 1")
	}
	body, contentType, err := multipartUpload(*file)
	if err != nil {
		return err
	}
	up := uploader{base: *base, token: *token, body: body, contentType: contentType, poll: *poll}
	if *batch {
		up.client = newClient(1, 60*time.Second)
		return up.batch(*n, *timeout)
	}
	up.client = newClient(*conc, 60*time.Second)
	var next atomic.Int64
	var mu sync.Mutex
	var runs []mediaRun
	var errs []error
	start := time.Now()
	var wg sync.WaitGroup
	for range *conc {
		wg.Go(func() {
			for next.Add(1) <= int64(*n) {
				r, err := up.uploadAndWait(*timeout)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					runs = append(runs, r)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	var proc, upl []time.Duration
	polls := 0
	for _, r := range runs {
		proc = append(proc, r.processing)
		upl = append(upl, r.upload)
		polls += r.polls
	}
	if *each {
		for _, r := range runs {
			fmt.Printf("MEDIA video=%d upload_ms=%s processing_ms=%s polls=%d\n", r.video, msStr(r.upload), msStr(r.processing), r.polls)
		}
	}
	fmt.Printf("MEDIA n=%d failed=%d c=%d poll_ms=%s wall_ms=%s mean_ms=%s %s upload_mean_ms=%s polls=%d\n",
		len(runs), len(errs), *conc, msStr(*poll), msStr(wall), msStr(mean(proc)), summary(proc), msStr(mean(upl)), polls)
	if len(errs) > 0 {
		fmt.Printf("MEDIA first_error=%q\n", errs[0].Error())
	}
	return nil
}

func msStr(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }

// uploader sends the one upload body and watches the videos it made.
type uploader struct {
	client      *http.Client
	base, token string
	body        []byte
	contentType string
	poll        time.Duration
}

// batch uploads n videos one after the other, then waits until all are ready; the time
// runs from the first 201 to the answer that shows the last of them ready.
func (u uploader) batch(n int, timeout time.Duration) error {
	var first, last time.Time
	start := time.Now()
	ids := make([]int64, 0, n)
	for i := range n {
		v, err := u.upload()
		if err != nil {
			return err
		}
		if i == 0 {
			first = time.Now()
		}
		ids = append(ids, v.ID)
	}
	last = time.Now()
	deadline := first.Add(timeout)
	polls := 0
	var errs []error
	for _, id := range ids {
		v, p, err := u.waitReady(id, deadline)
		polls += p
		if err == nil {
			err = checkReady(v)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	wall := time.Since(first)
	fmt.Printf("MEDIA batch n=%d failed=%d poll_ms=%s wall_ms=%s uploads_ms=%s polls=%d\n",
		n-len(errs), len(errs), msStr(u.poll), msStr(wall), msStr(last.Sub(start)), polls)
	if len(errs) > 0 {
		fmt.Printf("MEDIA first_error=%q\n", errs[0].Error())
	}
	return nil
}

// multipartUpload builds the body of POST /v1/videos once: name, public visibility, file.
func multipartUpload(path string) ([]byte, string, error) {
	data, err := os.ReadFile(path) //nolint:gosec // G304: the file named on the command line
	if err != nil {
		return nil, "", err
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("name", "bench media")
	_ = w.WriteField("visibility", "public")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filepath.Base(path)))
	h.Set("Content-Type", "video/mp4")
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	_, _ = part.Write(data)
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

// upload sends one video; its answer must say the media is processing.
func (u uploader) upload() (mediaVideo, error) {
	var v mediaVideo
	req, err := http.NewRequest(http.MethodPost, u.base+"/v1/videos", bytes.NewReader(u.body))
	if err != nil {
		return v, err
	}
	req.Header.Set("Authorization", "Bearer "+u.token)
	req.Header.Set("Content-Type", u.contentType)
	if err := doJSON(u.client, req, http.StatusCreated, &v); err != nil {
		return v, fmt.Errorf("upload: %w", err)
	}
	if v.Media.Status != "processing" {
		return v, fmt.Errorf("video %d is %q in its upload answer: the server does not process media", v.ID, v.Media.Status)
	}
	return v, nil
}

// waitReady GETs a video until its media is no longer processing, pausing u.poll between
// two GETs; it returns the last answer and how many GETs it took.
func (u uploader) waitReady(id int64, deadline time.Time) (mediaVideo, int, error) {
	url := u.base + "/v1/videos/id/" + strconv.FormatInt(id, 10)
	var v mediaVideo
	for polls := 1; ; polls++ {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return v, polls, err
		}
		if err := doJSON(u.client, req, http.StatusOK, &v); err != nil {
			return v, polls, fmt.Errorf("poll video %d: %w", id, err)
		}
		if v.Media.Status != "processing" {
			return v, polls, nil
		}
		if time.Now().After(deadline) {
			return v, polls, fmt.Errorf("video %d still processing after the timeout", id)
		}
		time.Sleep(u.poll)
	}
}

// checkReady: processed means ready, with a duration and a poster.
func checkReady(v mediaVideo) error {
	switch {
	case v.Media.Status != "ready":
		msg := ""
		if v.Media.Error != nil {
			msg = *v.Media.Error
		}
		return fmt.Errorf("video %d: media %s: %s", v.ID, v.Media.Status, msg)
	case v.Media.DurationSeconds == nil || v.Media.PosterURL == nil:
		return fmt.Errorf("video %d is ready without a duration or a poster", v.ID)
	}
	return nil
}

// uploadAndWait uploads one video and polls it until its media is ready; processing is
// timed from the moment the 201 answer has been read.
func (u uploader) uploadAndWait(timeout time.Duration) (mediaRun, error) {
	var r mediaRun
	t0 := time.Now()
	v, err := u.upload()
	if err != nil {
		return r, err
	}
	uploaded := time.Now()
	r.video, r.upload = v.ID, uploaded.Sub(t0)
	time.Sleep(u.poll)
	v, r.polls, err = u.waitReady(v.ID, uploaded.Add(timeout))
	r.processing = time.Since(uploaded)
	if err != nil {
		return r, err
	}
	return r, checkReady(v)
}

func doJSON(client *http.Client, req *http.Request, want int, dst any) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return errors.New(resp.Status + " " + string(bytes.TrimSpace(data)))
	}
	return json.Unmarshal(data, dst)
}

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}
