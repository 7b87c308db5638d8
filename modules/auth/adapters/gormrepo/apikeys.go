package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
	"vms/platform/database"
)

// apiKeyModel is a row of api_keys; scopes are stored as one space-separated string.
type apiKeyModel struct {
	ID            int64 `gorm:"primaryKey"`
	CorporationID int64
	Name          string
	Prefix        string
	KeyHash       string
	Scopes        string
	ExpiresAt     *time.Time
	LastUsedAt    *time.Time
	RevokedAt     *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// TableName names the table.
func (apiKeyModel) TableName() string { return "api_keys" }

func keyToModel(k domain.APIKey) apiKeyModel {
	return apiKeyModel{
		ID:            k.ID,
		CorporationID: k.CorporationID,
		Name:          k.Name,
		Prefix:        k.Prefix,
		KeyHash:       k.Hash,
		Scopes:        strings.Join(k.Scopes, " "),
		ExpiresAt:     dbTimePtr(k.ExpiresAt),
		LastUsedAt:    dbTimePtr(k.LastUsedAt),
		RevokedAt:     dbTimePtr(k.RevokedAt),
		CreatedAt:     dbTime(k.CreatedAt),
		UpdatedAt:     dbTime(k.CreatedAt),
	}
}

func keyToDomain(m apiKeyModel) domain.APIKey {
	return domain.APIKey{
		ID:            m.ID,
		CorporationID: m.CorporationID,
		Name:          m.Name,
		Prefix:        m.Prefix,
		Hash:          m.KeyHash,
		Scopes:        strings.Fields(m.Scopes),
		CreatedAt:     m.CreatedAt.UTC(),
		ExpiresAt:     utcPtr(m.ExpiresAt),
		LastUsedAt:    utcPtr(m.LastUsedAt),
		RevokedAt:     utcPtr(m.RevokedAt),
	}
}

// APIKeys is the GORM implementation of ports.APIKeys.
type APIKeys struct {
	db *database.DB
}

var _ ports.APIKeys = (*APIKeys)(nil)

// NewAPIKeys builds the repository.
func NewAPIKeys(db *database.DB) *APIKeys { return &APIKeys{db: db} }

// Create inserts a key.
func (r *APIKeys) Create(ctx context.Context, k domain.APIKey) (domain.APIKey, error) {
	m := keyToModel(k)
	m.ID = 0
	if m.CreatedAt.IsZero() {
		now := dbTime(time.Now())
		m.CreatedAt, m.UpdatedAt = now, now
	}
	if err := r.db.Conn(ctx).Create(&m).Error; err != nil {
		return domain.APIKey{}, fmt.Errorf("create API key: %w", err)
	}
	return keyToDomain(m), nil
}

// FindByHash returns the key with the hash.
func (r *APIKeys) FindByHash(ctx context.Context, hash string) (domain.APIKey, error) {
	var m apiKeyModel
	err := r.db.Conn(ctx).Where("key_hash = ?", hash).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.APIKey{}, domain.ErrKeyNotFound
	}
	if err != nil {
		return domain.APIKey{}, fmt.Errorf("find API key: %w", err)
	}
	return keyToDomain(m), nil
}

// List returns a page of the corporation's keys by id.
func (r *APIKeys) List(ctx context.Context, corporationID, afterID int64, limit int) ([]domain.APIKey, error) {
	var ms []apiKeyModel
	err := r.db.Conn(ctx).Where("corporation_id = ? AND id > ?", corporationID, afterID).Order("id").Limit(limit).Find(&ms).Error
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	out := make([]domain.APIKey, 0, len(ms))
	for _, m := range ms {
		out = append(out, keyToDomain(m))
	}
	return out, nil
}

// Revoke revokes the corporation's key with one conditional UPDATE; when it changes no
// row, a second read tells an already revoked key (success) from a missing one.
func (r *APIKeys) Revoke(ctx context.Context, corporationID, id int64, now time.Time) error {
	t := dbTime(now)
	db := r.db.Conn(ctx)
	res := db.Model(&apiKeyModel{}).
		Where("id = ? AND corporation_id = ? AND revoked_at IS NULL", id, corporationID).
		Updates(map[string]any{"revoked_at": t, "updated_at": t})
	if res.Error != nil {
		return fmt.Errorf("revoke API key: %w", res.Error)
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var n int64
	if err := db.Model(&apiKeyModel{}).Where("id = ? AND corporation_id = ?", id, corporationID).Count(&n).Error; err != nil {
		return fmt.Errorf("revoke API key: %w", err)
	}
	if n == 0 {
		return domain.ErrKeyNotFound
	}
	return nil
}

// RevokeCorporation revokes the corporation's live keys.
func (r *APIKeys) RevokeCorporation(ctx context.Context, corporationID int64, now time.Time) (int64, error) {
	t := dbTime(now)
	res := r.db.Conn(ctx).Model(&apiKeyModel{}).
		Where("corporation_id = ? AND revoked_at IS NULL", corporationID).
		Updates(map[string]any{"revoked_at": t, "updated_at": t})
	if res.Error != nil {
		return 0, fmt.Errorf("revoke API keys of corporation: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// TouchLastUsed moves last_used_at forward; updated_at is for changes, not uses.
func (r *APIKeys) TouchLastUsed(ctx context.Context, id int64, at time.Time) error {
	t := dbTime(at)
	err := r.db.Conn(ctx).Model(&apiKeyModel{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, t).
		UpdateColumn("last_used_at", t).Error
	if err != nil {
		return fmt.Errorf("write API key last use: %w", err)
	}
	return nil
}
