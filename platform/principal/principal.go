// Package principal carries the authenticated caller through a request's context.
package principal

import "context"

// Roles a user can hold.
const (
	RoleAdmin = "admin"
	RoleGuest = "guest"
)

// Kind tells what authenticated a request.
type Kind uint8

// The kinds of principal. The zero value is a user, so the zero Principal is the
// anonymous caller it always was.
const (
	// KindUser is a signed-in user: an access token or a playback token.
	KindUser Kind = iota
	// KindAPIKey is an API key of a corporation.
	KindAPIKey
)

// Principal is the authenticated caller of a request.
type Principal struct {
	Kind          Kind
	UserID        int64
	CorporationID int64
	// Role is the user's role; empty for an API key.
	Role string
	// KeyID and Scopes describe an API key; zero for a user.
	KeyID  int64
	Scopes Scopes
	// PlaybackVideoID is set when the caller authenticated with a playback token; such a
	// principal may only stream that one video.
	PlaybackVideoID int64
}

// IsKey reports whether the principal is an API key.
func (p Principal) IsKey() bool { return p.Kind == KindAPIKey }

// IsAdmin reports whether the principal has an admin's rights in its corporation: an
// admin user, or an API key. A key reaches only the routes that name a scope it holds
// (Require), so within those it acts as an admin of its corporation.
func (p Principal) IsAdmin() bool { return p.Role == RoleAdmin || p.IsKey() }

// AdminOf reports whether the principal administers the given corporation.
func (p Principal) AdminOf(corporationID int64) bool {
	return p.IsAdmin() && p.CorporationID == corporationID
}

// Has reports whether the principal is an API key that holds the scope. A user holds no
// scopes: its rights come from its role.
func (p Principal) Has(s Scope) bool { return p.IsKey() && p.Scopes.Has(s) }

// Require checks the principal against the scopes a route needs from an API key. A user
// passes (the use cases check its role). A key passes only when at least one scope is
// named and it holds every one: with none named the route is not open to keys
// (ErrKeyNotAllowed), and a missing scope is a *MissingScopeError that names it.
func (p Principal) Require(scopes ...Scope) error {
	if !p.IsKey() {
		return nil
	}
	if len(scopes) == 0 {
		return ErrKeyNotAllowed
	}
	for _, s := range scopes {
		if !p.Scopes.Has(s) {
			return &MissingScopeError{Scope: s}
		}
	}
	return nil
}

type key struct{}

// With returns a context carrying p.
func With(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, key{}, p)
}

// From returns the principal carried by ctx, if any.
func From(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(key{}).(Principal)
	return p, ok
}
