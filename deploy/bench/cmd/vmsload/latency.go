package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

func runLatency(args []string) error {
	fs := flag.NewFlagSet("latency", flag.ContinueOnError)
	url := fs.String("url", "", "URL to GET")
	conc := fs.Int("c", 1, "concurrent clients (closed loop)")
	duration := fs.Duration("duration", 5*time.Second, "run time")
	label := fs.String("label", "latency", "name printed at the start of the summary line")
	var headers headerList
	fs.Var(&headers, "H", "request header \"Name: value\" (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" || *conc < 1 {
		return fmt.Errorf("need -url and -c ≥ 1")
	}
	client := newClient(*conc, 30*time.Second)
	var mu sync.Mutex
	var all []time.Duration
	failed := 0
	firstErr := ""
	deadline := time.Now().Add(*duration)
	start := time.Now()
	var wg sync.WaitGroup
	for range *conc {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			msg := ""
			for time.Now().Before(deadline) {
				req, err := http.NewRequest(http.MethodGet, *url, nil)
				if err != nil {
					bad++
					msg = err.Error()
					break
				}
				headers.apply(req)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					bad++
					msg = err.Error()
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				if resp.StatusCode/100 != 2 {
					bad++
					msg = resp.Status
					continue
				}
				mine = append(mine, d)
			}
			mu.Lock()
			all = append(all, mine...)
			failed += bad
			if firstErr == "" {
				firstErr = msg
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	fmt.Printf("%s n=%d failed=%d rps=%.1f %s\n", *label, len(all), failed, float64(len(all))/elapsed, summary(all))
	if firstErr != "" {
		fmt.Printf("%s first_error=%q\n", *label, firstErr)
	}
	return nil
}
