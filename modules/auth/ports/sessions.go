package ports

import (
	"context"
	"time"

	"vms/modules/auth/domain"
)

// Sessions stores refresh tokens (by hash only). Every method uses the unit of work
// carried by ctx when there is one.
type Sessions interface {
	// Create stores a new session and returns it with its id.
	Create(ctx context.Context, s domain.Session) (domain.Session, error)
	// Consume marks the usable session with this hash as used and revoked, in one
	// conditional statement; it reports whether this call was the one that did it, so of
	// any number of concurrent calls for one hash at most one wins.
	Consume(ctx context.Context, tokenHash string, now time.Time) (bool, error)
	// FindByHash returns the session with this hash, or domain.ErrSessionNotFound.
	FindByHash(ctx context.Context, tokenHash string) (domain.Session, error)
	// RevokeFamily revokes every live session of the family and returns how many changed.
	RevokeFamily(ctx context.Context, familyID string, now time.Time) (int64, error)
	// RevokeUser revokes every live session of the user and returns how many changed.
	RevokeUser(ctx context.Context, userID int64, now time.Time) (int64, error)
	// ListByUser returns the user's sessions with an id greater than afterID, oldest
	// first, at most limit of them.
	ListByUser(ctx context.Context, userID, afterID int64, limit int) ([]domain.Session, error)
}

// UnitOfWork runs fn in one transaction, or joins the one ctx already carries.
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}

// Clock tells the time; tests replace it.
type Clock interface {
	Now() time.Time
}
