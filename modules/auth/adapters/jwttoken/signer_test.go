package jwttoken_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"vms/modules/auth/adapters/jwttoken"
	"vms/modules/auth/ports"
	"vms/platform/clock"
)

var (
	secret = []byte("0123456789abcdef0123456789abcdef-test")
	start  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	who    = ports.Identity{UserID: 42, CorporationID: 7, Role: "admin"}
)

func newSigner(t testing.TB) (*jwttoken.Signer, *clock.Fake) {
	t.Helper()
	clock := clock.NewFake(start)
	s, err := jwttoken.NewSigner(secret, 15*time.Minute, clock)
	if err != nil {
		t.Fatal(err)
	}
	return s, clock
}

// forge signs arbitrary claims with the shared secret and HS256 unless told otherwise.
func forge(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func validClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"sub": "42", "cid": 7, "role": "admin", "typ": "access",
		"iss": "vms", "aud": "vms-api", "exp": start.Add(time.Minute).Unix(), "iat": start.Unix(), "jti": "x",
	}
}

func TestAccessRoundTrip(t *testing.T) {
	s, _ := newSigner(t)
	tok, exp, err := s.SignAccess(who)
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(start.Add(15 * time.Minute)) {
		t.Fatalf("expires %v", exp)
	}
	c, err := s.ParseAccess(tok)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if c.UserID != 42 || c.CorporationID != 7 || c.Role != "admin" || c.TokenID == "" || !c.ExpiresAt.Equal(exp) {
		t.Fatalf("claims %+v", c)
	}
	// The header and claims are what the specification names.
	parts := strings.Split(tok, ".")
	head, _ := base64.RawURLEncoding.DecodeString(parts[0])
	body, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if !strings.Contains(string(head), `"alg":"HS256"`) {
		t.Fatalf("header %s", head)
	}
	for _, want := range []string{`"sub":"42"`, `"cid":7`, `"role":"admin"`, `"iss":"vms"`, `"aud":["vms-api"]`, `"typ":"access"`, `"exp":`, `"iat":`, `"jti":`} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("claims %s lack %s", body, want)
		}
	}
	if tok2, _, _ := s.SignAccess(who); tok2 == tok {
		t.Fatal("two tokens share a jti")
	}
}

func TestAccessRejects(t *testing.T) {
	s, _ := newSigner(t)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	without := func(k string) jwt.MapClaims { c := validClaims(); delete(c, k); return c }
	with := func(k string, v any) jwt.MapClaims { c := validClaims(); c[k] = v; return c }
	good := forge(t, jwt.SigningMethodHS256, secret, validClaims())
	if _, err := s.ParseAccess(good); err != nil {
		t.Fatalf("baseline token refused: %v", err)
	}
	playback, _, _ := s.SignPlayback(who, 9)
	dot := strings.LastIndexByte(good, '.')
	cases := map[string]string{
		"alg none":         forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, validClaims()),
		"alg RS256":        forge(t, jwt.SigningMethodRS256, rsaKey, validClaims()),
		"alg HS512":        forge(t, jwt.SigningMethodHS512, secret, validClaims()),
		"other secret":     forge(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), validClaims()),
		"missing exp":      forge(t, jwt.SigningMethodHS256, secret, without("exp")),
		"missing iss":      forge(t, jwt.SigningMethodHS256, secret, without("iss")),
		"missing aud":      forge(t, jwt.SigningMethodHS256, secret, without("aud")),
		"missing typ":      forge(t, jwt.SigningMethodHS256, secret, without("typ")),
		"missing sub":      forge(t, jwt.SigningMethodHS256, secret, without("sub")),
		"wrong iss":        forge(t, jwt.SigningMethodHS256, secret, with("iss", "evil")),
		"wrong aud":        forge(t, jwt.SigningMethodHS256, secret, with("aud", "vms-playback")),
		"typ playback":     forge(t, jwt.SigningMethodHS256, secret, with("typ", "playback")),
		"expired":          forge(t, jwt.SigningMethodHS256, secret, with("exp", start.Add(-jwttoken.Leeway-time.Second).Unix())),
		"issued in future": forge(t, jwt.SigningMethodHS256, secret, with("iat", start.Add(time.Hour).Unix())),
		"bad sub":          forge(t, jwt.SigningMethodHS256, secret, with("sub", "abc")),
		"sub zero":         forge(t, jwt.SigningMethodHS256, secret, with("sub", "0")),
		"negative sub":     forge(t, jwt.SigningMethodHS256, secret, with("sub", "-1")),
		"playback token":   playback,
		"tampered sig":     good[:dot+1] + flip(good[dot+1:]),
		"tampered claims":  tamperClaims(t, good),
		"garbage":          "not.a.jwt",
		"empty":            "",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := s.ParseAccess(tok); !errors.Is(err, jwttoken.ErrInvalidToken) {
				t.Fatalf("accepted or wrong error: %v", err)
			}
		})
	}
}

func TestAccessExpiresWithClock(t *testing.T) {
	s, clock := newSigner(t)
	tok, _, _ := s.SignAccess(who)
	clock.Advance(15*time.Minute + jwttoken.Leeway - time.Second)
	if _, err := s.ParseAccess(tok); err != nil {
		t.Fatalf("refused within the leeway after expiry: %v", err)
	}
	clock.Advance(time.Second)
	if _, err := s.ParseAccess(tok); err == nil {
		t.Fatal("accepted after expiry and leeway")
	}
}

func TestPlayback(t *testing.T) {
	s, clock := newSigner(t)
	tok, exp, err := s.SignPlayback(who, 9)
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(start.Add(jwttoken.PlaybackTTL)) || jwttoken.PlaybackTTL > 10*time.Minute {
		t.Fatalf("expires %v", exp)
	}
	c, err := s.ParsePlayback(tok)
	if err != nil || c.VideoID != 9 || c.UserID != 42 {
		t.Fatalf("claims %+v %v", c, err)
	}
	access, _, _ := s.SignAccess(who)
	if _, err := s.ParsePlayback(access); err == nil {
		t.Fatal("access token accepted as playback token")
	}
	noVideo := forge(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": "42", "typ": "playback", "iss": "vms", "aud": "vms-playback", "exp": start.Add(time.Minute).Unix()})
	if _, err := s.ParsePlayback(noVideo); err == nil {
		t.Fatal("playback token without a video accepted")
	}
	clock.Advance(jwttoken.PlaybackTTL + jwttoken.Leeway)
	if _, err := s.ParsePlayback(tok); err == nil {
		t.Fatal("expired playback token accepted")
	}
}

func TestPlaybackRejects(t *testing.T) {
	s, _ := newSigner(t)
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{
			"sub": "42", "cid": 7, "role": "guest", "typ": "playback", "vid": 9,
			"iss": "vms", "aud": "vms-playback", "exp": start.Add(time.Minute).Unix(), "iat": start.Unix(),
		}
	}
	with := func(k string, v any) jwt.MapClaims { c := valid(); c[k] = v; return c }
	if c, err := s.ParsePlayback(forge(t, jwt.SigningMethodHS256, secret, valid())); err != nil || c.VideoID != 9 || c.UserID != 42 {
		t.Fatalf("baseline token: %+v %v", c, err)
	}
	cases := map[string]jwt.MapClaims{
		"sub zero":     with("sub", "0"),
		"negative sub": with("sub", "-7"),
		"video zero":   with("vid", 0),
		"video -1":     with("vid", -1),
		"typ access":   with("typ", "access"),
		"aud api":      with("aud", "vms-api"),
		"wrong iss":    with("iss", "evil"),
	}
	for name, claims := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := s.ParsePlayback(forge(t, jwt.SigningMethodHS256, secret, claims)); !errors.Is(err, jwttoken.ErrInvalidToken) {
				t.Fatalf("accepted or wrong error: %v", err)
			}
		})
	}
}

func TestNewSignerNeedsStrongSecret(t *testing.T) {
	if _, err := jwttoken.NewSigner([]byte("short"), time.Minute, clock.NewFake(start)); err == nil {
		t.Fatal("short secret accepted")
	}
	if _, err := jwttoken.NewSigner(make([]byte, 31), time.Minute, clock.NewFake(start)); err == nil {
		t.Fatal("31-byte secret accepted")
	}
	if _, err := jwttoken.NewSigner(make([]byte, 32), time.Minute, clock.NewFake(start)); err != nil {
		t.Fatalf("32-byte secret refused: %v", err)
	}
}

func TestNewSignerNeedsPositiveLifetime(t *testing.T) {
	for _, ttl := range []time.Duration{0, -time.Minute} {
		if _, err := jwttoken.NewSigner(secret, ttl, clock.NewFake(start)); err == nil {
			t.Fatalf("access token lifetime %v accepted", ttl)
		}
	}
	s, err := jwttoken.NewSigner(secret, time.Nanosecond, clock.NewFake(start))
	if err != nil || s.AccessTTL() != time.Nanosecond {
		t.Fatalf("smallest positive lifetime: %v, %v", s, err)
	}
}

func flip(sig string) string {
	b := []byte(sig)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

func tamperClaims(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	body, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(body), `"role":"admin"`, `"role":"root!"`, 1)
	if changed == string(body) {
		t.Fatalf("claims %s have no role to change", body)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(changed))
	return strings.Join(parts, ".")
}

func TestRememberedTokenStillChecksItsBytesAndExpiry(t *testing.T) {
	s, clock := newSigner(t)
	tok, _, _ := s.SignAccess(who)
	first, err := s.ParseAccess(tok)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.ParseAccess(tok)
	if err != nil || again != first {
		t.Fatalf("second parse %+v %v, want %+v", again, err, first)
	}
	// A token differing in one byte of its signature is verified afresh and refused.
	tampered := tok[:len(tok)-2] + map[bool]string{true: "A", false: "B"}[tok[len(tok)-2] != 'A'] + tok[len(tok)-1:]
	if _, err := s.ParseAccess(tampered); err == nil {
		t.Fatal("accepted a tampered copy of a remembered token")
	}
	clock.Advance(15*time.Minute + jwttoken.Leeway)
	if _, err := s.ParseAccess(tok); err == nil {
		t.Fatal("a remembered token was accepted after expiry")
	}
}

// BenchmarkParseAccess compares verifying an access token afresh with answering a token
// verified before, as every request after a client's first does.
func BenchmarkParseAccess(b *testing.B) {
	b.Run("remembered", func(b *testing.B) {
		s, _ := newSigner(b)
		tok, _, _ := s.SignAccess(who)
		for b.Loop() {
			if _, err := s.ParseAccess(tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fresh", func(b *testing.B) {
		s, clock := newSigner(b)
		tok, _, _ := s.SignAccess(who)
		for b.Loop() {
			// A new signer shares the secret but remembers nothing.
			fresh, err := jwttoken.NewSigner(secret, 15*time.Minute, clock)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := fresh.ParseAccess(tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Playback tokens live ten minutes, and both token types tolerate five seconds of clock
// difference between replicas on exp and iat.
func TestLifetimesAndLeeway(t *testing.T) {
	s, clock := newSigner(t)
	play, exp, err := s.SignPlayback(who, 9)
	if err != nil || !exp.Equal(start.Add(10*time.Minute)) {
		t.Fatalf("playback token expires %v, %v; want ten minutes from now", exp, err)
	}
	clock.Advance(10*time.Minute + 4*time.Second)
	if _, err := s.ParsePlayback(play); err != nil {
		t.Fatalf("playback token refused 4s after expiry: %v", err)
	}
	clock.Advance(2 * time.Second)
	if _, err := s.ParsePlayback(play); err == nil {
		t.Fatal("playback token accepted 6s after expiry")
	}

	s, _ = newSigner(t)
	future := forge(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{
		"sub": "42", "cid": 7, "role": "admin", "typ": "access", "iss": "vms", "aud": "vms-api",
		"exp": start.Add(time.Minute).Unix(), "iat": start.Add(4 * time.Second).Unix(), "jti": "y",
	})
	if _, err := s.ParseAccess(future); err != nil {
		t.Fatalf("access token issued 4s ahead of this replica's clock refused: %v", err)
	}
	late := forge(t, jwt.SigningMethodHS256, secret, jwt.MapClaims{
		"sub": "42", "cid": 7, "role": "admin", "typ": "access", "iss": "vms", "aud": "vms-api",
		"exp": start.Add(-4 * time.Second).Unix(), "iat": start.Add(-time.Minute).Unix(), "jti": "z",
	})
	if _, err := s.ParseAccess(late); err != nil {
		t.Fatalf("access token 4s past expiry refused: %v", err)
	}
}
