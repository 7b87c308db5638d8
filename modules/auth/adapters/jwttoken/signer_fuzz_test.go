package jwttoken_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"vms/modules/auth/adapters/jwttoken"
	"vms/modules/auth/ports"
)

// FuzzParseToken checks the token parsers three ways. Any string is refused unless it
// carries the signer's header and this secret's signature of exactly its bytes (so nothing
// the secret did not sign verifies); a token the signer just issued, mutated by flipping,
// cutting or inserting a byte or by swapping or replacing a segment, is refused; and an
// issued token gives back the claims it was signed with.
func FuzzParseToken(f *testing.F) {
	seed, _ := newSigner(f)
	access, _, err := seed.SignAccess(who)
	if err != nil {
		f.Fatal(err)
	}
	playback, _, err := seed.SignPlayback(who, 9)
	if err != nil {
		f.Fatal(err)
	}
	head, _, _ := strings.Cut(access, ".")
	for _, raw := range []string{
		access, playback, "", ".", "..", "a.b.c", access + ".", access + "=", " " + access,
		head + "." + strings.Split(playback, ".")[1] + "." + strings.Split(access, ".")[2],
		"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + strings.Split(access, ".")[1] + ".",
	} {
		f.Add(raw, uint8(0), uint16(0), byte(0), int64(42), int64(7), "admin", int64(9))
	}
	f.Add(access, uint8(3), uint16(1), byte('A'), int64(1), int64(1), "guest", int64(1))
	f.Add(access, uint8(0), uint16(len(access)-1), byte(1), int64(-1), int64(0), "\xff", int64(0))

	f.Fuzz(func(t *testing.T, raw string, op uint8, pos uint16, b byte, uid, cid int64, role string, vid int64) {
		s, _ := newSigner(t)
		if c, err := s.ParseAccess(raw); err == nil {
			mustBeIssued(t, raw, jwttoken.TypeAccess, c.TokenID)
		}
		if c, err := s.ParsePlayback(raw); err == nil {
			if c.VideoID <= 0 || c.UserID <= 0 {
				t.Fatalf("playback claims %+v", c)
			}
			mustBeIssued(t, raw, jwttoken.TypePlayback, "")
		}

		id := ports.Identity{UserID: uid, CorporationID: cid, Role: role}
		acc, exp, err := s.SignAccess(id)
		if err != nil {
			t.Fatal(err)
		}
		play, playExp, err := s.SignPlayback(id, vid)
		if err != nil {
			t.Fatal(err)
		}
		if !exp.Equal(start.Add(15*time.Minute)) || !playExp.Equal(start.Add(jwttoken.PlaybackTTL)) {
			t.Fatalf("expiries %v, %v", exp, playExp)
		}
		// JSON carries only valid UTF-8, and a subject must be a user id.
		valid := uid > 0 && utf8.ValidString(role)
		ac, err := s.ParseAccess(acc)
		switch {
		case uid <= 0 && err == nil:
			t.Fatalf("access token for user %d verified", uid)
		case valid && err != nil:
			t.Fatalf("own access token refused: %v", err)
		case valid && (ac.UserID != uid || ac.CorporationID != cid || ac.Role != role || ac.TokenID == "" ||
			!ac.IssuedAt.Equal(start) || !ac.ExpiresAt.Equal(exp)):
			t.Fatalf("access claims %+v for %+v", ac, id)
		}
		pc, err := s.ParsePlayback(play)
		switch {
		case (uid <= 0 || vid <= 0) && err == nil:
			t.Fatalf("playback token for user %d, video %d verified", uid, vid)
		case valid && vid > 0 && err != nil:
			t.Fatalf("own playback token refused: %v", err)
		case valid && vid > 0 && (pc.UserID != uid || pc.CorporationID != cid || pc.Role != role || pc.VideoID != vid || !pc.ExpiresAt.Equal(playExp)):
			t.Fatalf("playback claims %+v for %+v, video %d", pc, id, vid)
		}
		if _, err := s.ParseAccess(play); err == nil {
			t.Fatal("playback token verified as an access token")
		}
		if _, err := s.ParsePlayback(acc); err == nil {
			t.Fatal("access token verified as a playback token")
		}

		for _, tok := range []string{access, playback} {
			m := mutate(tok, playback, op, pos, b)
			if m == tok {
				continue
			}
			if _, err := s.ParseAccess(m); err == nil {
				t.Fatalf("mutated token %q verified as access", m)
			}
			if _, err := s.ParsePlayback(m); err == nil {
				t.Fatalf("mutated token %q verified as playback", m)
			}
		}
	})
}

// mutate changes tok by op: flip, cut or insert a byte at pos, swap two segments, take
// one segment from other, or add a segment.
func mutate(tok, other string, op uint8, pos uint16, b byte) string {
	seg, oseg := strings.Split(tok, "."), strings.Split(other, ".")
	i := int(pos)
	switch op % 6 {
	case 0:
		p := []byte(tok)
		p[i%len(p)] ^= max(b, 1)
		return string(p)
	case 1:
		return tok[:i%len(tok)]
	case 2:
		i %= len(tok) + 1
		return tok[:i] + string(rune(b)) + tok[i:]
	case 3:
		seg[i%3], seg[(i+1)%3] = seg[(i+1)%3], seg[i%3]
	case 4:
		seg[i%3] = oseg[i%3]
	default:
		seg = append(seg, seg[i%3])
	}
	return strings.Join(seg, ".")
}

// mustBeIssued fails unless raw is exactly what the signer makes for the claims raw's
// payload holds: re-encoding and signing them must give raw back byte for byte.
func mustBeIssued(t *testing.T, raw, typ, tokenID string) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("%s token %q verified with %d segments", typ, raw, len(parts))
	}
	// The header is the signer's own, byte for byte, and the signature is this secret's
	// HMAC of exactly these bytes, in canonical encoding: nothing the secret did not sign
	// verifies. The payload's number format is left free, so tokens an earlier signer
	// wrote with whole-second times still count as issued here.
	fresh, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwttoken.Claims{}).SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(fresh, "."); parts[0] != head {
		t.Fatalf("%s token %q verified with header %q, want the signer's %q", typ, raw, parts[0], head)
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil)); parts[2] != want {
		t.Fatalf("%s token %q verified with signature %q, want %q", typ, raw, parts[2], want)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || base64.RawURLEncoding.EncodeToString(payload) != parts[1] {
		t.Fatalf("%s token %q verified with a payload that is not canonical base64url: %v", typ, raw, err)
	}
	var c jwttoken.Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	if c.Type != typ || tokenID != "" && c.ID != tokenID {
		t.Fatalf("%s token %q carries %+v", typ, raw, c)
	}
}
