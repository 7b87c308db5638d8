package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// firstViewCounts are the outcomes of a first-view run.
type firstViewCounts struct {
	ok, credited, failed atomic.Int64
	firstErr             atomic.Value
}

func runFirstViews(args []string) error {
	fs := flag.NewFlagSet("firstviews", flag.ContinueOnError)
	base := fs.String("base", "http://127.0.0.1:8080", "server base URL")
	secret := fs.String("secret", "", "the server's JWT_SECRET, to mint the viewers' tokens")
	corp := fs.Int64("cid", 0, "corporation id of the viewers")
	userMin := fs.Int64("user-min", 0, "first viewer id")
	userMax := fs.Int64("user-max", 0, "last viewer id")
	videoMin := fs.Int64("video-min", 0, "first video id")
	videoMax := fs.Int64("video-max", 0, "last video id")
	conc := fs.Int("c", 16, "concurrent workers")
	repeat := fs.Int("repeat", 1, "concurrent requests sent for each (user, video) pair")
	mode := fs.String("mode", "post", "post (POST /v1/view-logs) or stream (GET stream, 1 byte)")
	duration := fs.Duration("duration", 10*time.Second, "run time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	users, videos := *userMax-*userMin+1, *videoMax-*videoMin+1
	if users < 1 || videos < 1 || *conc < 1 || *repeat < 1 {
		return fmt.Errorf("need user and video ranges, -c ≥ 1 and -repeat ≥ 1")
	}
	tokens := make([]string, users)
	for i := range tokens {
		tok, err := mintAccess([]byte(*secret), *userMin+int64(i), *corp, "guest", time.Hour)
		if err != nil {
			return err
		}
		tokens[i] = tok
	}
	client := newClient(*conc**repeat, 30*time.Second)
	var next atomic.Int64
	var counts firstViewCounts
	deadline := time.Now().Add(*duration)
	start := time.Now()
	var wg sync.WaitGroup
	for range *conc {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				// Consecutive pairs belong to different users, so workers rarely wait on
				// one viewer's lock; each pair is visited once.
				i := next.Add(1) - 1
				if i >= users*videos {
					return
				}
				u, v := i%users, i/users
				var inner sync.WaitGroup
				for range *repeat {
					inner.Go(func() {
						view(client, *base, *mode, tokens[u], *videoMin+v, &counts)
					})
				}
				inner.Wait()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	pairs := min(next.Load(), users*videos)
	fmt.Printf("FIRSTVIEWS pairs=%d ok=%d credited=%d failed=%d elapsed_s=%.3f tps=%.1f\n",
		pairs, counts.ok.Load(), counts.credited.Load(), counts.failed.Load(), elapsed, float64(pairs)/elapsed)
	if e := counts.firstErr.Load(); e != nil {
		fmt.Printf("FIRSTVIEWS first_error=%q\n", e)
	}
	return nil
}

// view sends one first view and counts its outcome.
func view(client *http.Client, base, mode, token string, videoID int64, counts *firstViewCounts) {
	var req *http.Request
	var err error
	if mode == "stream" {
		req, err = http.NewRequest(http.MethodGet, fmt.Sprintf("%s/v1/videos/stream/%d", base, videoID), nil)
		if err == nil {
			req.Header.Set("Range", "bytes=0-0")
		}
	} else {
		body, _ := json.Marshal(map[string]int64{"video_id": videoID})
		req, err = http.NewRequest(http.MethodPost, base+"/v1/view-logs", bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	if err != nil {
		counts.fail(err.Error())
		return
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		counts.fail(err.Error())
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		counts.fail(fmt.Sprintf("%d %s", resp.StatusCode, bytes.TrimSpace(b)))
		return
	}
	counts.ok.Add(1)
	var out struct {
		PointsAwarded int64 `json:"points_awarded"`
	}
	if mode != "stream" && json.Unmarshal(b, &out) == nil && out.PointsAwarded > 0 {
		counts.credited.Add(1)
	}
}

func (c *firstViewCounts) fail(msg string) {
	c.failed.Add(1)
	c.firstErr.CompareAndSwap(nil, msg)
}
