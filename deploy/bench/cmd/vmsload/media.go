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
	poll := fs.Duration("poll", 10*time.Millisecond, "pause between two GET /v1/videos/id/{id} of one video")
	timeout := fs.Duration("timeout", 2*time.Minute, "longest wait for one video to be ready")
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
	client := newClient(*conc, 60*time.Second)
	var next atomic.Int64
	var mu sync.Mutex
	var runs []mediaRun
	var errs []error
	start := time.Now()
	var wg sync.WaitGroup
	for range *conc {
		wg.Go(func() {
			for next.Add(1) <= int64(*n) {
				r, err := uploadAndWait(client, *base, *token, body, contentType, *poll, *timeout)
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
	var proc, up []time.Duration
	polls := 0
	for _, r := range runs {
		proc = append(proc, r.processing)
		up = append(up, r.upload)
		polls += r.polls
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }
	if *each {
		for _, r := range runs {
			fmt.Printf("MEDIA video=%d upload_ms=%s processing_ms=%s polls=%d\n", r.video, ms(r.upload), ms(r.processing), r.polls)
		}
	}
	fmt.Printf("MEDIA n=%d failed=%d c=%d poll_ms=%s wall_ms=%s mean_ms=%s %s upload_mean_ms=%s polls=%d\n",
		len(runs), len(errs), *conc, ms(*poll), ms(wall), ms(mean(proc)), summary(proc), ms(mean(up)), polls)
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

// uploadAndWait uploads one video and polls it until its media is ready; processing is
// timed from the moment the 201 answer has been read.
func uploadAndWait(client *http.Client, base, token string, body []byte, contentType string, poll, timeout time.Duration) (mediaRun, error) {
	var r mediaRun
	req, err := http.NewRequest(http.MethodPost, base+"/v1/videos", bytes.NewReader(body))
	if err != nil {
		return r, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	t0 := time.Now()
	var v mediaVideo
	if err := doJSON(client, req, http.StatusCreated, &v); err != nil {
		return r, fmt.Errorf("upload: %w", err)
	}
	uploaded := time.Now()
	r.video, r.upload = v.ID, uploaded.Sub(t0)
	url := base + "/v1/videos/id/" + strconv.FormatInt(v.ID, 10)
	for v.Media.Status == "processing" {
		if time.Since(uploaded) > timeout {
			return r, fmt.Errorf("video %d still processing after %s", v.ID, timeout)
		}
		time.Sleep(poll)
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return r, err
		}
		r.polls++
		if err := doJSON(client, req, http.StatusOK, &v); err != nil {
			return r, fmt.Errorf("poll video %d: %w", v.ID, err)
		}
	}
	r.processing = time.Since(uploaded)
	switch {
	case v.Media.Status != "ready":
		msg := ""
		if v.Media.Error != nil {
			msg = *v.Media.Error
		}
		return r, fmt.Errorf("video %d: media %s: %s", v.ID, v.Media.Status, msg)
	case r.polls == 0:
		return r, fmt.Errorf("video %d was ready in its upload answer: the server does not process media", v.ID)
	case v.Media.DurationSeconds == nil || v.Media.PosterURL == nil:
		return r, fmt.Errorf("video %d is ready without a duration or a poster", v.ID)
	}
	return r, nil
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
