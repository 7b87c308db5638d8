package service

import (
	"context"
	"fmt"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
	"vms/platform/principal"
)

// Authenticator turns a verified token into the request's principal. The token proves who
// the caller was when it was issued; whether the user is still live, and its role and
// corporation, come from the accounts (through a short cache), so a deleted user is
// refused at once and a role change applies within ActiveCacheTTL.
type Authenticator struct {
	accounts ports.Accounts
	signer   ports.TokenSigner
	cache    *ActiveCache
}

// NewAuthenticator builds the authenticator.
func NewAuthenticator(accounts ports.Accounts, signer ports.TokenSigner, cache *ActiveCache) *Authenticator {
	return &Authenticator{accounts: accounts, signer: signer, cache: cache}
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
	switch {
	case cred.Bearer != "":
		c, err := a.signer.ParseAccess(cred.Bearer)
		if err != nil {
			return principal.Principal{}, domain.ErrUnauthenticated
		}
		userID = c.UserID
	case allowPlayback && cred.Playback != "":
		c, err := a.signer.ParsePlayback(cred.Playback)
		if err != nil {
			return principal.Principal{}, domain.ErrUnauthenticated
		}
		userID, videoID = c.UserID, c.VideoID
	default:
		return principal.Principal{}, domain.ErrUnauthenticated
	}
	id, ok, err := a.active(ctx, userID)
	if err != nil {
		return principal.Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if !ok {
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
	return id, ok, nil
}

// Playback issues playback tokens for the video module.
type Playback struct {
	signer ports.TokenSigner
}

// NewPlayback builds the playback token issuer.
func NewPlayback(signer ports.TokenSigner) *Playback { return &Playback{signer: signer} }

// IssuePlayback returns a token that lets this user stream this one video for a few
// minutes, for players that cannot send an Authorization header.
func (p *Playback) IssuePlayback(_ context.Context, userID, corporationID int64, role string, videoID int64) (string, time.Time, error) {
	if userID <= 0 || videoID <= 0 {
		return "", time.Time{}, fmt.Errorf("issue playback token: user %d, video %d", userID, videoID)
	}
	return p.signer.SignPlayback(ports.Identity{UserID: userID, CorporationID: corporationID, Role: role}, videoID)
}
