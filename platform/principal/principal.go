// Package principal carries the authenticated caller through a request's context.
package principal

import "context"

// Roles a user can hold.
const (
	RoleAdmin = "admin"
	RoleGuest = "guest"
)

// Principal is the authenticated caller of a request.
type Principal struct {
	UserID        int64
	CorporationID int64
	Role          string
	// PlaybackVideoID is set when the caller authenticated with a playback token; such a
	// principal may only stream that one video.
	PlaybackVideoID int64
}

// IsAdmin reports whether the principal is an admin.
func (p Principal) IsAdmin() bool { return p.Role == RoleAdmin }

// AdminOf reports whether the principal administers the given corporation.
func (p Principal) AdminOf(corporationID int64) bool {
	return p.IsAdmin() && p.CorporationID == corporationID
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
