package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
	"vms/platform/database"
)

// Sessions is the GORM implementation of ports.Sessions.
type Sessions struct {
	db *database.DB
}

var _ ports.Sessions = (*Sessions)(nil)

// NewSessions builds the repository.
func NewSessions(db *database.DB) *Sessions { return &Sessions{db: db} }

// Create inserts a session.
func (r *Sessions) Create(ctx context.Context, s domain.Session) (domain.Session, error) {
	m := toModel(s)
	m.ID = 0
	if m.CreatedAt.IsZero() {
		now := dbTime(time.Now())
		m.CreatedAt, m.UpdatedAt = now, now
	}
	if err := r.db.Conn(ctx).Create(&m).Error; err != nil {
		return domain.Session{}, fmt.Errorf("create session: %w", err)
	}
	return toDomain(m), nil
}

// Consume spends a usable token with one conditional UPDATE; the row count tells whether
// this call won. On PostgreSQL a concurrent UPDATE waits for the winner's commit and then
// re-checks the condition; on SQLite writers are serialised.
func (r *Sessions) Consume(ctx context.Context, tokenHash string, now time.Time) (bool, error) {
	t := dbTime(now)
	res := r.db.Conn(ctx).Model(&sessionModel{}).
		Where("token_hash = ? AND revoked_at IS NULL AND expires_at > ?", tokenHash, t).
		Updates(map[string]any{"revoked_at": t, "last_used_at": t, "updated_at": t})
	if res.Error != nil {
		return false, fmt.Errorf("consume session: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// FindByHash returns the session with the hash.
func (r *Sessions) FindByHash(ctx context.Context, tokenHash string) (domain.Session, error) {
	var m sessionModel
	err := r.db.Conn(ctx).Where("token_hash = ?", tokenHash).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Session{}, domain.ErrSessionNotFound
	}
	if err != nil {
		return domain.Session{}, fmt.Errorf("find session: %w", err)
	}
	return toDomain(m), nil
}

// RevokeFamily revokes the live sessions of a family.
func (r *Sessions) RevokeFamily(ctx context.Context, familyID string, now time.Time) (int64, error) {
	return r.revoke(ctx, "family_id = ?", familyID, now)
}

// RevokeUser revokes the live sessions of a user.
func (r *Sessions) RevokeUser(ctx context.Context, userID int64, now time.Time) (int64, error) {
	return r.revoke(ctx, "user_id = ?", userID, now)
}

func (r *Sessions) revoke(ctx context.Context, cond string, arg any, now time.Time) (int64, error) {
	t := dbTime(now)
	res := r.db.Conn(ctx).Model(&sessionModel{}).
		Where(cond+" AND revoked_at IS NULL", arg).
		Updates(map[string]any{"revoked_at": t, "updated_at": t})
	if res.Error != nil {
		return 0, fmt.Errorf("revoke sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// ListByUser lists a user's sessions by id, after afterID.
func (r *Sessions) ListByUser(ctx context.Context, userID, afterID int64, limit int) ([]domain.Session, error) {
	var rows []sessionModel
	err := r.db.Conn(ctx).Where("user_id = ? AND id > ?", userID, afterID).Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	out := make([]domain.Session, 0, len(rows))
	for _, m := range rows {
		out = append(out, toDomain(m))
	}
	return out, nil
}
