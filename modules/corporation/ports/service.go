package ports

import (
	"context"
	"time"

	"vms/modules/corporation/domain"
	"vms/platform/principal"
)

// SignUp is a new corporation with its first admin.
type SignUp struct {
	Details       domain.DetailsInput
	AdminEmail    string
	AdminPassword string
}

// Service is what the corporation module offers its HTTP adapter.
type Service interface {
	SignUp(ctx context.Context, in SignUp) (domain.Corporation, error)
	Get(ctx context.Context, id int64) (domain.Corporation, error)
	GetByName(ctx context.Context, name string) (domain.Corporation, error)
	List(ctx context.Context, afterID int64, limit int) ([]domain.Corporation, error)
	Update(ctx context.Context, caller principal.Principal, id int64, in domain.DetailsInput) (domain.Corporation, error)
	Delete(ctx context.Context, caller principal.Principal, id int64) error
	// Now is the service's clock, for computing effective plans in responses.
	Now() time.Time
}
