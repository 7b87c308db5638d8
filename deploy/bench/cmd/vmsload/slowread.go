package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func runSlowRead(args []string) error {
	fs := flag.NewFlagSet("slowread", flag.ContinueOnError)
	url := fs.String("url", "", "stream URL")
	conc := fs.Int("c", 1000, "concurrent readers")
	hold := fs.Duration("duration", 5*time.Second, "how long the readers keep reading once all are open")
	chunk := fs.Int("chunk", 4096, "bytes read between sleeps")
	pause := fs.Duration("sleep", 200*time.Millisecond, "sleep between reads")
	pid := fs.Int("pid", 0, "server process whose VmRSS and open fds are sampled while the readers read")
	var headers headerList
	fs.Var(&headers, "H", "request header \"Name: value\" (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" || *conc < 1 {
		return fmt.Errorf("need -url and -c ≥ 1")
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1, DisableCompression: true}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var opened, failed, total atomic.Int64
	var firstErr atomic.Value
	var ready sync.WaitGroup
	ready.Add(*conc)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range *conc {
		wg.Go(func() {
			body, err := openStream(ctx, client, *url, headers)
			ready.Done()
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			defer body.Close()
			opened.Add(1)
			buf := make([]byte, *chunk)
			for {
				n, err := io.ReadFull(body, buf)
				total.Add(int64(n))
				if err != nil {
					return
				}
				select {
				case <-stop:
					return
				case <-time.After(*pause):
				}
			}
		})
	}
	ready.Wait()
	var peakRSS, peakFDs int64
	samples := 0
	end := time.Now().Add(*hold)
	for time.Now().Before(end) {
		if *pid > 0 {
			if kb, err := vmRSSKiB(*pid); err == nil {
				peakRSS = max(peakRSS, kb)
				samples++
			}
			if n, err := openFDs(*pid); err == nil {
				peakFDs = max(peakFDs, n)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(stop)
	cancel()
	wg.Wait()
	client.CloseIdleConnections()
	fmt.Printf("SLOWREAD opened=%d failed=%d bytes=%d peak_rss_kib=%d peak_fds=%d samples=%d\n",
		opened.Load(), failed.Load(), total.Load(), peakRSS, peakFDs, samples)
	if e := firstErr.Load(); e != nil {
		fmt.Printf("SLOWREAD first_error=%q\n", e)
	}
	return nil
}

// openStream sends the GET and returns the body of a 2xx answer.
func openStream(ctx context.Context, client *http.Client, url string, headers headerList) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	headers.apply(req)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		resp.Body.Close()
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	return resp.Body, nil
}

// vmRSSKiB reads VmRSS from /proc/PID/status.
func vmRSSKiB(pid int) (int64, error) { return procStatusKiB(pid, "VmRSS:") }

// procStatusKiB reads one "Name: N kB" field (the name with its colon) of /proc/PID/status.
func procStatusKiB(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", strings.TrimSuffix(field, ":"), pid)
}

// openFDs counts /proc/PID/fd.
func openFDs(pid int) (int64, error) {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	return int64(len(entries)), err
}
