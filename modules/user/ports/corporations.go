// Package ports declares what the user module needs: its repository, a password hasher,
// whether a corporation is live (bound in app/wiring), a unit of work and a clock.
package ports

import "context"

// Corporations tells whether a corporation is live (exists and is not soft-deleted).
// The corporation module implements it.
type Corporations interface {
	IsLive(ctx context.Context, corporationID int64) (bool, error)
}
