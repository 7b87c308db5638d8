package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
	"vms/platform/principal"
)

// Authenticator turns a verified token into the request's principal. The token proves who
// the caller was when it was issued; whether the user is still live, and its role and
// corporation, come from the accounts (through a short cache), so a deleted user is
// refused at once and a role change applies within ActiveCacheTTL. A token issued before
// the user's last password change is refused: at once on the replica that made the
// change, within ActiveCacheTTL on the others. A Bearer token that starts with
// domain.KeyPrefix is an API key, which keys authenticates.
type Authenticator struct {
	accounts ports.Accounts
	signer   ports.TokenSigner
	cache    *ActiveCache
	keys     *Keys
}

// NewAuthenticator builds the authenticator. keys may be nil, and API keys are then
// refused.
func NewAuthenticator(accounts ports.Accounts, signer ports.TokenSigner, cache *ActiveCache, keys *Keys) *Authenticator {
	return &Authenticator{accounts: accounts, signer: signer, cache: cache, keys: keys}
}

// Credentials are what a request presented: a Bearer access token and/or a playback token.
type Credentials struct {
	Bearer   string
	Playback string
}

// Authenticate verifies the credentials. A Bearer token wins when both are present; a
// playback token is only considered when allowPlayback is set, and then the principal
// carries the one video it may stream.
func (a *Authenticator) Authenticate(ctx context.Context, cred Credentials, allowPlayback bool) (principal.Principal, error) {
	var userID, videoID int64
	var issuedAt time.Time
	switch {
	case strings.HasPrefix(cred.Bearer, domain.KeyPrefix):
		if a.keys == nil {
			return principal.Principal{}, domain.ErrKeyNotValid
		}
		return a.keys.Authenticate(ctx, cred.Bearer)
	case cred.Bearer != "":
		c, err := a.signer.ParseAccess(cred.Bearer)
		if err != nil {
			return principal.Principal{}, domain.ErrUnauthenticated
		}
		userID, issuedAt = c.UserID, c.IssuedAt
	case allowPlayback && cred.Playback != "":
		c, err := a.signer.ParsePlayback(cred.Playback)
		if err != nil {
			return principal.Principal{}, domain.ErrUnauthenticated
		}
		userID, videoID, issuedAt = c.UserID, c.VideoID, c.IssuedAt
	default:
		return principal.Principal{}, domain.ErrUnauthenticated
	}
	id, ok, err := a.active(ctx, userID)
	if err != nil {
		return principal.Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if !ok || issuedAt.Before(id.PasswordChangedAt) {
		return principal.Principal{}, domain.ErrUnauthenticated
	}
	return principal.Principal{UserID: id.UserID, CorporationID: id.CorporationID, Role: id.Role, PlaybackVideoID: videoID}, nil
}

func (a *Authenticator) active(ctx context.Context, userID int64) (ports.Identity, bool, error) {
	if id, ok, found := a.cache.Get(userID); found {
		return id, ok, nil
	}
	id, ok, err := a.accounts.Active(ctx, userID)
	if err != nil {
		return ports.Identity{}, false, err
	}
	a.cache.Put(userID, id, ok)
	return a.cache.Raise(userID, id), ok, nil
}

// Playback issues playback tokens for the video module.
type Playback struct {
	signer ports.TokenSigner
	auth   *Authenticator
	clock  ports.Clock
}

// NewPlayback builds the playback token issuer.
func NewPlayback(signer ports.TokenSigner, auth *Authenticator, clock ports.Clock) *Playback {
	return &Playback{signer: signer, auth: auth, clock: clock}
}

// IssuePlayback returns a token that lets this user stream this one video for a few
// minutes, for players that cannot send an Authorization header. The caller was just
// authenticated with a token no older than the user's last password change, so the new
// token is dated no earlier than that change, even within its millisecond.
func (p *Playback) IssuePlayback(ctx context.Context, userID, corporationID int64, role string, videoID int64) (string, time.Time, error) {
	return p.issue(ctx, userID, corporationID, role, videoID, 0)
}

// IssuePlaybackFor is IssuePlayback with a lifetime of ttl: the tokens an HLS playlist
// puts in its child URIs, so that a viewer who started a video can watch it to the end.
// They are bound to the same user and video, and die with the user or a password change
// like any other token.
func (p *Playback) IssuePlaybackFor(ctx context.Context, userID, corporationID int64, role string, videoID int64, ttl time.Duration) (string, time.Time, error) {
	if ttl <= 0 {
		return "", time.Time{}, fmt.Errorf("issue playback token: lifetime %s", ttl)
	}
	return p.issue(ctx, userID, corporationID, role, videoID, ttl)
}

func (p *Playback) issue(ctx context.Context, userID, corporationID int64, role string, videoID int64, ttl time.Duration) (string, time.Time, error) {
	if userID <= 0 || videoID <= 0 {
		return "", time.Time{}, fmt.Errorf("issue playback token: user %d, video %d", userID, videoID)
	}
	id, ok, err := p.auth.active(ctx, userID)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue playback token: %w", err)
	}
	if !ok {
		return "", time.Time{}, domain.ErrUnauthenticated
	}
	at := issueTime(p.clock.Now(), id)
	who := ports.Identity{UserID: userID, CorporationID: corporationID, Role: role}
	if ttl == 0 {
		return p.signer.SignPlaybackAt(who, videoID, at)
	}
	return p.signer.SignPlaybackFor(who, videoID, at, ttl)
}

// issueTime dates a token issued now for a user whose identity was just read: now, or
// the user's last password change when that is later (it is rounded up to the next
// millisecond, so it can be a hair ahead of the clock).
func issueTime(now time.Time, id ports.Identity) time.Time {
	if id.PasswordChangedAt.After(now) {
		return id.PasswordChangedAt
	}
	return now
}
