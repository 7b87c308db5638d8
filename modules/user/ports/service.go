package ports

import (
	"context"

	"vms/modules/user/domain"
	"vms/platform/principal"
)

// NewUserInput is a user an admin creates.
type NewUserInput struct {
	Email, Password, Role string
}

// UpdateInput changes a user; nil fields stay as they are.
type UpdateInput struct {
	Password *string
	Role     *string
}

// Service is what the user module offers its HTTP adapter. caller is the signed-in user.
type Service interface {
	Create(ctx context.Context, caller principal.Principal, in NewUserInput) (domain.User, error)
	List(ctx context.Context, caller principal.Principal, afterID int64, limit int) ([]domain.User, error)
	Get(ctx context.Context, caller principal.Principal, id int64) (domain.User, error)
	GetByEmail(ctx context.Context, caller principal.Principal, email string) (domain.User, error)
	Me(ctx context.Context, caller principal.Principal) (domain.User, error)
	Update(ctx context.Context, caller principal.Principal, id int64, in UpdateInput) (domain.User, error)
	Delete(ctx context.Context, caller principal.Principal, id int64) error
}
