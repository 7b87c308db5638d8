package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func runLogins(args []string) error {
	fs := flag.NewFlagSet("logins", flag.ContinueOnError)
	base := fs.String("base", "http://127.0.0.1:8080", "server base URL")
	email := fs.String("email", "", "account e-mail; a %d in it is replaced by the worker number (1…c), so each worker uses its own account")
	xff := fs.Bool("xff", false, "send X-Forwarded-For 10.77.x.y, distinct per worker (the server must trust 127.0.0.1 as a proxy)")
	password := fs.String("password", "", "account password")
	conc := fs.Int("c", 200, "concurrent logins")
	duration := fs.Duration("duration", 5*time.Second, "run time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	client := newClient(*conc, 60*time.Second)
	var ok, limited, failed atomic.Int64
	var lat []time.Duration
	var mu sync.Mutex
	deadline := time.Now().Add(*duration)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 1; w <= *conc; w++ {
		addr := email
		if strings.Contains(*email, "%d") {
			s := fmt.Sprintf(*email, w)
			addr = &s
		}
		body, _ := json.Marshal(map[string]string{"email": *addr, "password": *password})
		ip := fmt.Sprintf("10.77.%d.%d", w/250, w%250+1)
		wg.Go(func() {
			for time.Now().Before(deadline) {
				req, err := http.NewRequest(http.MethodPost, *base+"/v1/auth/login", bytes.NewReader(body))
				if err != nil {
					failed.Add(1)
					return
				}
				req.Header.Set("Content-Type", "application/json")
				if *xff {
					req.Header.Set("X-Forwarded-For", ip)
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
					ok.Add(1)
					mu.Lock()
					lat = append(lat, time.Since(t0))
					mu.Unlock()
				case http.StatusTooManyRequests:
					limited.Add(1)
				default:
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	fmt.Printf("LOGINS ok=%d limited=%d failed=%d rps=%.1f %s\n", ok.Load(), limited.Load(), failed.Load(), float64(ok.Load())/elapsed, summary(lat))
	return nil
}
