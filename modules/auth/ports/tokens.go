package ports

import "time"

// AccessClaims are the verified contents of an access token.
type AccessClaims struct {
	UserID        int64
	CorporationID int64
	Role          string
	TokenID       string
	IssuedAt      time.Time
	ExpiresAt     time.Time
}

// PlaybackClaims are the verified contents of a playback token.
type PlaybackClaims struct {
	UserID        int64
	CorporationID int64
	Role          string
	VideoID       int64
	IssuedAt      time.Time
	ExpiresAt     time.Time
}

// TokenSigner issues and verifies the signed tokens of the API. Parse methods return an
// error for any token that is not exactly what the matching Sign method produced and is
// still within its lifetime. Tokens carry their issue time to the millisecond (it is
// compared with the user's last password change); the caller chooses it, so a token can
// be dated to the unit of work that decided to issue it rather than to the signing.
type TokenSigner interface {
	SignAccessAt(id Identity, issuedAt time.Time) (token string, expiresAt time.Time, err error)
	ParseAccess(token string) (AccessClaims, error)
	SignPlaybackAt(id Identity, videoID int64, issuedAt time.Time) (token string, expiresAt time.Time, err error)
	// SignPlaybackFor is SignPlaybackAt with a lifetime of ttl (bounded by the signer).
	SignPlaybackFor(id Identity, videoID int64, issuedAt time.Time, ttl time.Duration) (token string, expiresAt time.Time, err error)
	ParsePlayback(token string) (PlaybackClaims, error)
	// AccessTTL is the lifetime of an access token.
	AccessTTL() time.Duration
}
