package ports

import (
	"context"
	"time"

	"vms/modules/auth/domain"
)

// APIKeys stores API keys (by hash only). Every method uses the unit of work carried by
// ctx when there is one.
type APIKeys interface {
	// Create stores a new key and returns it with its id.
	Create(ctx context.Context, k domain.APIKey) (domain.APIKey, error)
	// FindByHash returns the key with this hash, revoked and expired ones included, or
	// domain.ErrKeyNotFound.
	FindByHash(ctx context.Context, hash string) (domain.APIKey, error)
	// List returns the corporation's keys with an id greater than afterID, oldest first,
	// at most limit of them.
	List(ctx context.Context, corporationID, afterID int64, limit int) ([]domain.APIKey, error)
	// Revoke revokes the corporation's key at now; a key already revoked keeps its first
	// revocation time. A key of another corporation, or none, is domain.ErrKeyNotFound.
	Revoke(ctx context.Context, corporationID, id int64, now time.Time) error
	// RevokeCorporation revokes every live key of the corporation and returns how many
	// changed.
	RevokeCorporation(ctx context.Context, corporationID int64, now time.Time) (int64, error)
	// TouchLastUsed moves the key's last use forward to at; an earlier time than the one
	// stored, or an unknown key, changes nothing.
	TouchLastUsed(ctx context.Context, id int64, at time.Time) error
}
