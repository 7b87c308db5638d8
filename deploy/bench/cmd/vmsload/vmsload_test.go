package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"vms/modules/auth/adapters/jwttoken"
	"vms/platform/clock"
)

// TestMintedTokenPassesTheServerParser keeps the minted tokens in step with the server's
// access-token parser (algorithm, issuer, audience, type and claims).
func TestMintedTokenPassesTheServerParser(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef-bench")
	signer, err := jwttoken.NewSigner(secret, 15*time.Minute, clock.System{})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := mintAccess(secret, 42, 7, "guest", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	c, err := signer.ParseAccess(tok)
	if err != nil {
		t.Fatalf("server parser rejects the minted token: %v", err)
	}
	if c.UserID != 42 || c.CorporationID != 7 || c.Role != "guest" {
		t.Fatalf("claims %+v", c)
	}
	if _, err := signer.ParseAccess(tok[:len(tok)-2] + "xx"); err == nil {
		t.Fatal("a token with a changed signature passed")
	}
	if _, err := mintAccess([]byte("short"), 1, 1, "guest", time.Minute); err == nil {
		t.Fatal("a short secret was accepted")
	}
}

func TestPercentileNearestRank(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond, 0.001: time.Millisecond} {
		if got := percentile(s, q); got != want {
			t.Errorf("percentile(%v) = %v, want %v", q, got, want)
		}
	}
	if percentile(nil, 0.5) != 0 {
		t.Error("empty input")
	}
}

// TestUploadAndWaitPollsUntilReady pins what the media mode takes for processed: polls
// until media.status is ready with a duration and a poster, and reports a failure.
func TestUploadAndWaitPollsUntilReady(t *testing.T) {
	for _, tc := range []struct {
		name  string
		final string
		ok    bool
	}{
		{"ready", `{"id":7,"media":{"status":"ready","duration_seconds":3,"poster_url":"/v1/videos/7/poster"}}`, true},
		{"failed", `{"id":7,"media":{"status":"failed","error":"unreadable"}}`, false},
		{"ready without poster", `{"id":7,"media":{"status":"ready","duration_seconds":3}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gets := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.Method == http.MethodPost && r.URL.Path == "/v1/videos":
					w.WriteHeader(http.StatusCreated)
					_, _ = w.Write([]byte(`{"id":7,"media":{"status":"processing"}}`))
				case r.Method == http.MethodGet && r.URL.Path == "/v1/videos/id/7":
					gets++
					if gets < 3 {
						_, _ = w.Write([]byte(`{"id":7,"media":{"status":"processing"}}`))
						return
					}
					_, _ = w.Write([]byte(tc.final))
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			u := uploader{client: srv.Client(), base: srv.URL, token: "tok", body: []byte("x"), contentType: "text/plain", poll: time.Millisecond}
			r, err := u.uploadAndWait(time.Second)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if r.polls != 3 || r.video != 7 {
				t.Fatalf("polls=%d video=%d, want 3 polls of video 7", r.polls, r.video)
			}
		})
	}
}

// TestUploadRefusesAnUnprocessedAnswer: a server that does not process media (its upload
// answer is already ready) must not pass for an instant one.
func TestUploadRefusesAnUnprocessedAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":7,"media":{"status":"ready"}}`))
	}))
	defer srv.Close()
	u := uploader{client: srv.Client(), base: srv.URL, token: "tok", body: []byte("x"), contentType: "text/plain", poll: time.Millisecond}
	if _, err := u.upload(); err == nil {
		t.Fatal("an upload answered ready passed")
	}
}
