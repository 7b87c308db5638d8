package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"vms/modules/corporation/domain"
	"vms/modules/corporation/ports"
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
	return r.db.Conn(ctx).Model(&corporationModel{}).Where("deleted_at IS NULL")
}

func translate(err error, op string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return domain.ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return domain.ErrNameTaken
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
}

// Create inserts a corporation.
func (r *Repository) Create(ctx context.Context, d domain.Details, now time.Time) (domain.Corporation, error) {
	m := toModel(d, now)
	if err := r.db.Conn(ctx).Create(&m).Error; err != nil {
		return domain.Corporation{}, translate(err, "create corporation")
	}
	return toDomain(m), nil
}

// Get returns a live corporation.
func (r *Repository) Get(ctx context.Context, id int64) (domain.Corporation, error) {
	var m corporationModel
	if err := r.live(ctx).Where("id = ?", id).Take(&m).Error; err != nil {
		return domain.Corporation{}, translate(err, "get corporation")
	}
	return toDomain(m), nil
}

// GetByName finds a live corporation by name, ignoring letter case (the unique index
// is on lower(name), so this lookup uses it).
func (r *Repository) GetByName(ctx context.Context, name string) (domain.Corporation, error) {
	var m corporationModel
	if err := r.live(ctx).Where("lower(name) = lower(?)", name).Take(&m).Error; err != nil {
		return domain.Corporation{}, translate(err, "get corporation by name")
	}
	return toDomain(m), nil
}

// List returns a page of live corporations ordered by id.
func (r *Repository) List(ctx context.Context, afterID int64, limit int) ([]domain.Corporation, error) {
	var ms []corporationModel
	if err := r.live(ctx).Where("id > ?", afterID).Order("id").Limit(limit).Find(&ms).Error; err != nil {
		return nil, translate(err, "list corporations")
	}
	out := make([]domain.Corporation, 0, len(ms))
	for _, m := range ms {
		out = append(out, toDomain(m))
	}
	return out, nil
}

// Update replaces a live corporation's details.
func (r *Repository) Update(ctx context.Context, id int64, d domain.Details, now time.Time) (domain.Corporation, error) {
	res := r.live(ctx).Where("id = ?", id).Updates(map[string]any{
		"name":            d.Name,
		"plan_type":       string(d.PlanType),
		"plan_expired_at": utcPtr(d.PlanExpiredAt),
		"updated_at":      now.UTC(),
	})
	if res.Error != nil {
		return domain.Corporation{}, translate(res.Error, "update corporation")
	}
	if res.RowsAffected == 0 {
		return domain.Corporation{}, domain.ErrNotFound
	}
	return r.Get(ctx, id)
}

// SoftDelete marks a live corporation deleted.
func (r *Repository) SoftDelete(ctx context.Context, id int64, now time.Time) error {
	res := r.live(ctx).Where("id = ?", id).Updates(map[string]any{"deleted_at": now.UTC(), "updated_at": now.UTC()})
	if res.Error != nil {
		return translate(res.Error, "delete corporation")
	}
	if res.RowsAffected == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// DowngradeExpired moves every expired live PAID corporation to FREE in one UPDATE, which
// returns the changed rows (UPDATE … RETURNING, on PostgreSQL and on SQLite 3.35+).
func (r *Repository) DowngradeExpired(ctx context.Context, now time.Time) ([]domain.Corporation, error) {
	var ms []corporationModel
	err := r.db.Conn(ctx).Raw(`UPDATE corporations SET plan_type = ?, updated_at = ?
		WHERE deleted_at IS NULL AND plan_type = ? AND plan_expired_at <= ?
		RETURNING *`, string(domain.PlanFree), now.UTC(), string(domain.PlanPaid), now.UTC()).Scan(&ms).Error
	if err != nil {
		return nil, translate(err, "downgrade expired plans")
	}
	out := make([]domain.Corporation, 0, len(ms))
	for _, m := range ms {
		out = append(out, toDomain(m))
	}
	return out, nil
}
