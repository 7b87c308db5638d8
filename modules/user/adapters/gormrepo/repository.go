package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"vms/modules/user/domain"
	"vms/modules/user/ports"
	"vms/platform/database"
)

// Repository is the GORM ports.Repository. It takes its handle from the context, so it
// joins the caller's unit of work.
type Repository struct {
	db *database.DB
}

var _ ports.Repository = (*Repository)(nil)

// New builds the repository.
func New(db *database.DB) *Repository { return &Repository{db: db} }

func (r *Repository) live(ctx context.Context) *gorm.DB {
	return r.db.Conn(ctx).Model(&userModel{}).Where("deleted_at IS NULL")
}

func (r *Repository) tenant(ctx context.Context, corporationID int64) *gorm.DB {
	return r.live(ctx).Where("corporation_id = ?", corporationID)
}

func translate(err error, op string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return domain.ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return domain.ErrEmailTaken
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
}

func one(q *gorm.DB, op string) (domain.User, error) {
	var m userModel
	if err := q.Take(&m).Error; err != nil {
		return domain.User{}, translate(err, op)
	}
	return toDomain(m), nil
}

// Create inserts a user.
func (r *Repository) Create(ctx context.Context, u domain.NewUser, now time.Time) (domain.User, error) {
	m := toModel(u, now)
	if err := r.db.Conn(ctx).Create(&m).Error; err != nil {
		return domain.User{}, translate(err, "create user")
	}
	return toDomain(m), nil
}

// Get returns a live user of the corporation.
func (r *Repository) Get(ctx context.Context, corporationID, id int64) (domain.User, error) {
	return one(r.tenant(ctx, corporationID).Where("id = ?", id), "get user")
}

// GetByEmail returns a live user of the corporation by e-mail.
func (r *Repository) GetByEmail(ctx context.Context, corporationID int64, email string) (domain.User, error) {
	return one(r.tenant(ctx, corporationID).Where("email = ?", email), "get user by e-mail")
}

// List returns a page of the corporation's live users ordered by id.
func (r *Repository) List(ctx context.Context, corporationID, afterID int64, limit int) ([]domain.User, error) {
	var ms []userModel
	if err := r.tenant(ctx, corporationID).Where("id > ?", afterID).Order("id").Limit(limit).Find(&ms).Error; err != nil {
		return nil, translate(err, "list users")
	}
	out := make([]domain.User, 0, len(ms))
	for _, m := range ms {
		out = append(out, toDomain(m))
	}
	return out, nil
}

// Update sets the changed fields of a live user of the corporation.
func (r *Repository) Update(ctx context.Context, corporationID, id int64, ch domain.Change, now time.Time) (domain.User, error) {
	set := map[string]any{"updated_at": now.UTC()}
	if ch.PasswordHash != nil {
		set["password_hash"] = *ch.PasswordHash
	}
	if ch.PasswordChangedAt != nil {
		set["password_changed_at"] = ch.PasswordChangedAt.UTC()
	}
	if ch.Role != nil {
		set["role"] = string(*ch.Role)
	}
	res := r.tenant(ctx, corporationID).Where("id = ?", id).Updates(set)
	if res.Error != nil {
		return domain.User{}, translate(res.Error, "update user")
	}
	if res.RowsAffected == 0 {
		return domain.User{}, domain.ErrNotFound
	}
	return r.Get(ctx, corporationID, id)
}

// SoftDelete marks a live user of the corporation deleted.
func (r *Repository) SoftDelete(ctx context.Context, corporationID, id int64, now time.Time) error {
	res := r.tenant(ctx, corporationID).Where("id = ?", id).Updates(map[string]any{"deleted_at": now.UTC(), "updated_at": now.UTC()})
	if res.Error != nil {
		return translate(res.Error, "delete user")
	}
	if res.RowsAffected == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// SoftDeleteCorporation marks every live user of the corporation deleted.
func (r *Repository) SoftDeleteCorporation(ctx context.Context, corporationID int64, now time.Time) (int64, error) {
	res := r.tenant(ctx, corporationID).Updates(map[string]any{"deleted_at": now.UTC(), "updated_at": now.UTC()})
	if res.Error != nil {
		return 0, translate(res.Error, "delete users of corporation")
	}
	return res.RowsAffected, nil
}

// FindLive returns a live user of any corporation.
func (r *Repository) FindLive(ctx context.Context, id int64) (domain.User, error) {
	return one(r.live(ctx).Where("id = ?", id), "find user")
}

// FindLiveByEmail returns the live user with this e-mail.
func (r *Repository) FindLiveByEmail(ctx context.Context, email string) (domain.User, error) {
	return one(r.live(ctx).Where("email = ?", email), "find user by e-mail")
}
