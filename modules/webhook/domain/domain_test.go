package domain_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"vms/modules/webhook/domain"
	"vms/platform/kind"
)

// The signature test vector of the README (the reference vector of Standard Webhooks).
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorBody      = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignatureVector(t *testing.T) {
	got, err := domain.Sign(vectorSecret, vectorID, vectorTimestamp, []byte(vectorBody))
	if err != nil || got != vectorSignature {
		t.Fatalf("Sign = %q %v, want %q", got, err, vectorSignature)
	}
	at := time.Unix(vectorTimestamp, 0)
	if err := domain.Verify(vectorSecret, vectorID, "1614265330", "v1,bm90IGl0 "+vectorSignature, []byte(vectorBody), at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("Verify with the right signature among others: %v", err)
	}
	for name, c := range map[string]struct {
		id, ts, body string
		now          time.Time
	}{
		"another body":      {vectorID, "1614265330", `{"test": 2432232315}`, at},
		"another id":        {"msg_other", "1614265330", vectorBody, at},
		"another timestamp": {vectorID, "1614265331", vectorBody, at},
		"too old":           {vectorID, "1614265330", vectorBody, at.Add(6 * time.Minute)},
		"from the future":   {vectorID, "1614265330", vectorBody, at.Add(-6 * time.Minute)},
		"not a number":      {vectorID, "soon", vectorBody, at},
	} {
		if err := domain.Verify(vectorSecret, c.id, c.ts, vectorSignature, []byte(c.body), c.now, 5*time.Minute); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
	for _, bad := range []string{"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_!!!"} {
		if _, err := domain.Sign(bad, vectorID, vectorTimestamp, nil); !errors.Is(err, domain.ErrBadSecret) {
			t.Errorf("Sign with secret %q: %v", bad, err)
		}
	}
}

func TestNewSecretAndEventID(t *testing.T) {
	s := domain.NewSecret()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
	if !strings.HasPrefix(s, "whsec_") || err != nil || len(key) != 32 {
		t.Fatalf("secret %q: %d bytes, %v", s, len(key), err)
	}
	if domain.NewSecret() == s {
		t.Fatal("two secrets are equal")
	}
	id := domain.NewEventID()
	if !strings.HasPrefix(id, "msg_") || len(id) != 4+26 || strings.ToLower(id) != id || domain.NewEventID() == id {
		t.Fatalf("event id %q", id)
	}
}

func TestParseURL(t *testing.T) {
	for _, ok := range []string{
		"https://hooks.example.com/vms", "http://hooks.example.com:8080/a?b=c", "https://93.184.215.14/x",
		"https://[2606:4700::1111]/x", "http://127.0.0.1:9000/hook", "https://under_score.example.com/",
	} {
		if _, err := domain.ParseURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{
		"", "ftp://hooks.example.com/", "hooks.example.com/path", "https://user:pass@hooks.example.com/",
		"https://user@hooks.example.com/", "https://hooks.example.com/#frag", "https:///path", "https://hooks.example.com:0/",
		"https://hooks.example.com:99999/", "https://2130706433/", "https://0x7f000001/", "https://127.1/", "https://0177.0.0.1/",
		"https://exa mple.com/", "https://example.com/\x00", "https://-bad-.example.com/", "https://[fe80::1%25eth0]/",
		"https://" + strings.Repeat("a", 2050) + ".com/",
	} {
		_, err := domain.ParseURL(bad)
		var ve *kind.ValidationError
		if !errors.As(err, &ve) || ve.Fields["url"] == "" {
			t.Errorf("%q: %v, want a validation error naming url", bad, err)
		}
	}
}

func TestParseEvents(t *testing.T) {
	got, err := domain.ParseEvents([]string{"view.first", "video.created", "view.first", " user.deleted "})
	if err != nil || strings.Join(got, ",") != "video.created,view.first,user.deleted" {
		t.Fatalf("ParseEvents = %v %v", got, err)
	}
	for _, bad := range [][]string{nil, {}, {"video.exploded"}, {"webhook.test"}, {"video.created", ""}} {
		if _, err := domain.ParseEvents(bad); kind.Of(err) != kind.Invalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestParseDescription(t *testing.T) {
	if d, err := domain.ParseDescription("  LMS credits\t "); err != nil || d != "LMS credits" {
		t.Fatalf("%q %v", d, err)
	}
	for _, bad := range []string{strings.Repeat("é", 501), "line\nbreak"} {
		if _, err := domain.ParseDescription(bad); kind.Of(err) != kind.Invalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// The schedule triples from 10 s to at most 6 h, with a spread of ±10 % that is the same
// for the same job and attempt, and spans about a day.
func TestRetrySchedule(t *testing.T) {
	var total time.Duration
	base := domain.FirstRetryDelay
	for n := 1; n < domain.MaxAttempts; n++ {
		d := domain.RetryDelay(n, 42)
		if d != domain.RetryDelay(n, 42) {
			t.Fatalf("attempt %d: the delay changes between calls", n)
		}
		if lo, hi := time.Duration(float64(base)*0.9), time.Duration(float64(base)*1.1); d < lo || d > hi {
			t.Fatalf("attempt %d: %s, want %s ± 10 %%", n, d, base)
		}
		total += d
		base = min(base*3, domain.MaxRetryDelay)
	}
	if total < 24*time.Hour || total > 30*time.Hour {
		t.Fatalf("the retries span %s, want about a day (24–30 h)", total)
	}
	spread := map[time.Duration]bool{}
	for seed := range int64(20) {
		spread[domain.RetryDelay(3, seed)] = true
	}
	if len(spread) < 10 {
		t.Fatalf("20 jobs got %d distinct delays: no spread", len(spread))
	}
}

// An endpoint starts failing at its first failed attempt, keeps that time through later
// failures, is disabled once it has failed for DisableAfter, and a success clears it.
func TestHealthAfterAttempts(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	e := domain.Endpoint{Enabled: true}
	if h := domain.AfterAttempt(e, true, "", t0); h.Changed || h.Disable {
		t.Fatalf("success of a healthy endpoint: %+v", h)
	}
	h := domain.AfterAttempt(e, false, "HTTP 500", t0)
	if !h.Changed || h.Disable || h.FailingSince == nil || !h.FailingSince.Equal(t0) {
		t.Fatalf("first failure: %+v", h)
	}
	e.FailingSince = h.FailingSince
	if h := domain.AfterAttempt(e, false, "HTTP 500", t0.Add(23*time.Hour)); h.Changed || h.Disable || !h.FailingSince.Equal(t0) {
		t.Fatalf("failure after 23 h: %+v", h)
	}
	h = domain.AfterAttempt(e, false, "connection refused", t0.Add(domain.DisableAfter))
	if !h.Disable || !h.Changed || !strings.Contains(h.Reason, "connection refused") || !strings.Contains(h.Reason, "2026-01-02T03:00:00Z") {
		t.Fatalf("failure after a day: %+v", h)
	}
	if h := domain.AfterAttempt(e, true, "", t0.Add(25*time.Hour)); !h.Changed || h.FailingSince != nil || h.Disable {
		t.Fatalf("success after failures: %+v", h)
	}
}

func TestResultError(t *testing.T) {
	for want, r := range map[string]domain.Result{
		"":                                     {StatusCode: 204},
		"HTTP 500: boom":                       {StatusCode: 500, Excerpt: "boom"},
		"HTTP 404":                             {StatusCode: 404},
		"HTTP 302: redirects are not followed": {StatusCode: 302, Excerpt: "see elsewhere"},
		"connection refused":                   {Err: errors.New("connection refused")},
	} {
		if got := r.Error(); got != want {
			t.Errorf("%+v: %q, want %q", r, got, want)
		}
	}
	if (domain.Result{StatusCode: 299}).OK() != true || (domain.Result{StatusCode: 300}).OK() || (domain.Result{StatusCode: 200, Err: errors.New("x")}).OK() {
		t.Fatal("OK is 2xx without an error")
	}
}
