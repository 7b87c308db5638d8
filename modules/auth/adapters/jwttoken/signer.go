// Package jwttoken signs and verifies the API's JSON Web Tokens with HMAC-SHA256.
package jwttoken

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"vms/modules/auth/ports"
	"vms/platform/cache"
)

// Fixed values of the tokens this server issues.
const (
	Issuer           = "vms"
	AccessAudience   = "vms-api"
	PlaybackAudience = "vms-playback"
	TypeAccess       = "access"
	TypePlayback     = "playback"
	// PlaybackTTL is the lifetime of a playback token.
	PlaybackTTL = 10 * time.Minute
	// MaxPlaybackTTL bounds the lifetime of the playback tokens of HLS child URIs.
	MaxPlaybackTTL = 13 * time.Hour
	// Leeway absorbs small clock differences between replicas when checking exp and iat.
	Leeway = 5 * time.Second
)

// IssuePrecision is the precision of the iat claim. Tokens are compared with the user's
// last password change (itself a whole millisecond), so the issue time must be finer
// than a second: a token issued just after a change must count and one issued just
// before must not.
const IssuePrecision = time.Millisecond

func init() {
	// The library writes NumericDate values at this precision; microseconds keep the
	// millisecond iat exact through its float encoding (see issuedAt).
	jwt.TimePrecision = time.Microsecond
}

// ErrInvalidToken is returned for every token that fails verification; the cause is
// wrapped for logs but never shown to clients.
var ErrInvalidToken = errors.New("invalid token")

// Claims is the JWT payload of both token types.
type Claims struct {
	CorporationID int64  `json:"cid"`
	Role          string `json:"role"`
	Type          string `json:"typ"`
	VideoID       int64  `json:"vid,omitempty"`
	jwt.RegisteredClaims
}

// Signer implements ports.TokenSigner with HS256 and a shared secret.
type Signer struct {
	secret    []byte
	accessTTL time.Duration
	clock     ports.Clock
	access    *jwt.Parser
	playback  *jwt.Parser
	verified  *cache.Cache[string, ports.AccessClaims]
}

var _ ports.TokenSigner = (*Signer)(nil)

// NewSigner builds a signer. The parsers pin HS256 and require exp, iss and aud, so an
// "alg":"none" or RS256 header, a token of the other type or a token without those
// claims never verifies.
func NewSigner(secret []byte, accessTTL time.Duration, clock ports.Clock) (*Signer, error) {
	if len(secret) < 32 {
		return nil, errors.New("jwt secret must be at least 32 bytes")
	}
	if accessTTL <= 0 {
		return nil, errors.New("access token lifetime must be positive")
	}
	opts := func(aud string) []jwt.ParserOption {
		return []jwt.ParserOption{
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithIssuer(Issuer),
			jwt.WithAudience(aud),
			jwt.WithTimeFunc(clock.Now),
			jwt.WithLeeway(Leeway),
			jwt.WithStrictDecoding(),
		}
	}
	return &Signer{
		secret:    secret,
		accessTTL: accessTTL,
		clock:     clock,
		access:    jwt.NewParser(opts(AccessAudience)...),
		playback:  jwt.NewParser(opts(PlaybackAudience)...),
		verified:  newVerified(clock),
	}, nil
}

// AccessTTL is the lifetime of an access token.
func (s *Signer) AccessTTL() time.Duration { return s.accessTTL }

// SignAccess issues an access token for the identity, issued now.
func (s *Signer) SignAccess(id ports.Identity) (string, time.Time, error) {
	return s.SignAccessAt(id, s.clock.Now())
}

// SignAccessAt issues an access token for the identity, issued at the given time
// (truncated to IssuePrecision); it expires one access lifetime later.
func (s *Signer) SignAccessAt(id ports.Identity, issuedAt time.Time) (string, time.Time, error) {
	return s.sign(id, TypeAccess, AccessAudience, 0, issuedAt, s.accessTTL)
}

// SignPlayback issues a playback token bound to the identity and one video, issued now.
func (s *Signer) SignPlayback(id ports.Identity, videoID int64) (string, time.Time, error) {
	return s.SignPlaybackAt(id, videoID, s.clock.Now())
}

// SignPlaybackAt issues a playback token bound to the identity and one video, issued at
// the given time (truncated to IssuePrecision).
func (s *Signer) SignPlaybackAt(id ports.Identity, videoID int64, issuedAt time.Time) (string, time.Time, error) {
	return s.sign(id, TypePlayback, PlaybackAudience, videoID, issuedAt, PlaybackTTL)
}

// SignPlaybackFor issues a playback token that lives for ttl instead of PlaybackTTL (at
// most MaxPlaybackTTL): the tokens in an HLS playlist's child URIs, which must outlive
// the viewing of the video.
func (s *Signer) SignPlaybackFor(id ports.Identity, videoID int64, issuedAt time.Time, ttl time.Duration) (string, time.Time, error) {
	if ttl <= 0 || ttl > MaxPlaybackTTL {
		return "", time.Time{}, fmt.Errorf("sign playback token: lifetime %s out of (0, %s]", ttl, MaxPlaybackTTL)
	}
	return s.sign(id, TypePlayback, PlaybackAudience, videoID, issuedAt, ttl)
}

func (s *Signer) sign(id ports.Identity, typ, aud string, videoID int64, issuedAt time.Time, ttl time.Duration) (string, time.Time, error) {
	now := issuedAt.UTC().Truncate(IssuePrecision)
	exp := now.Add(ttl)
	claims := Claims{
		CorporationID: id.CorporationID,
		Role:          id.Role,
		Type:          typ,
		VideoID:       videoID,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   strconv.FormatInt(id.UserID, 10),
			Issuer:    Issuer,
			Audience:  jwt.ClaimStrings{aud},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        newID(),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.secret)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign %s token: %w", typ, err)
	}
	return tok, exp, nil
}

// ParseAccess verifies an access token. A token verified before is answered from memory
// while it has not expired (the same leeway applies).
func (s *Signer) ParseAccess(token string) (ports.AccessClaims, error) {
	if c, ok := s.verified.Get(token); ok {
		return c, nil
	}
	c, uid, err := s.parse(s.access, token, TypeAccess)
	if err != nil {
		return ports.AccessClaims{}, err
	}
	claims := ports.AccessClaims{
		UserID:        uid,
		CorporationID: c.CorporationID,
		Role:          c.Role,
		TokenID:       c.ID,
		IssuedAt:      issuedAt(c),
		ExpiresAt:     c.ExpiresAt.Time,
	}
	s.verified.AddUntil(token, claims, claims.ExpiresAt.Add(Leeway))
	return claims, nil
}

// ParsePlayback verifies a playback token.
func (s *Signer) ParsePlayback(token string) (ports.PlaybackClaims, error) {
	c, uid, err := s.parse(s.playback, token, TypePlayback)
	if err != nil {
		return ports.PlaybackClaims{}, err
	}
	if c.VideoID <= 0 {
		return ports.PlaybackClaims{}, fmt.Errorf("%w: playback token without video", ErrInvalidToken)
	}
	return ports.PlaybackClaims{
		UserID:        uid,
		CorporationID: c.CorporationID,
		Role:          c.Role,
		VideoID:       c.VideoID,
		IssuedAt:      issuedAt(c),
		ExpiresAt:     c.ExpiresAt.Time,
	}, nil
}

// issuedAt reads iat back at IssuePrecision. The claim travels as a JSON number of
// seconds, and its float decoding may land a hair below the millisecond that was signed
// (….123 as ….122999…); rounding restores it.
func issuedAt(c *Claims) time.Time {
	if c.IssuedAt == nil {
		return time.Time{}
	}
	return c.IssuedAt.Round(IssuePrecision).UTC()
}

func (s *Signer) parse(p *jwt.Parser, token, typ string) (*Claims, int64, error) {
	var c Claims
	_, err := p.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.secret, nil })
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if c.Type != typ {
		return nil, 0, fmt.Errorf("%w: token type %q, want %q", ErrInvalidToken, c.Type, typ)
	}
	uid, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || uid <= 0 {
		return nil, 0, fmt.Errorf("%w: subject is not a user id", ErrInvalidToken)
	}
	return &c, uid, nil
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
