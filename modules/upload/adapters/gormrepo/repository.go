// Package gormrepo stores upload rows with GORM.
package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"vms/modules/upload/domain"
	"vms/modules/upload/ports"
	"vms/platform/database"
)

type uploadModel struct {
	ID            string `gorm:"primaryKey"`
	CorporationID int64
	UserID        int64
	Length        int64
	Name          string
	Visibility    string
	ExpiresAt     time.Time
	VideoID       *int64
	CreatedAt     time.Time
}

func (uploadModel) TableName() string { return "uploads" }

// Uploads is the GORM ports.Uploads.
type Uploads struct{ db *database.DB }

var _ ports.Uploads = (*Uploads)(nil)

// NewUploads builds the repository.
func NewUploads(db *database.DB) *Uploads { return &Uploads{db: db} }

// Create inserts the row.
func (r *Uploads) Create(ctx context.Context, u domain.Upload) error {
	m := uploadModel{
		ID: u.ID, CorporationID: u.CorporationID, UserID: u.UserID, Length: u.Length, Name: u.Name,
		Visibility: u.Visibility, ExpiresAt: u.ExpiresAt.UTC(), CreatedAt: u.CreatedAt.UTC(),
	}
	return r.db.Conn(ctx).Create(&m).Error
}

// Get returns the upload or domain.ErrNotFound.
func (r *Uploads) Get(ctx context.Context, id string) (domain.Upload, error) {
	var m uploadModel
	err := r.db.Conn(ctx).Where("id = ?", id).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Upload{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Upload{}, fmt.Errorf("get upload: %w", err)
	}
	return toDomain(m), nil
}

// SetVideo records the video a finished upload became.
func (r *Uploads) SetVideo(ctx context.Context, id string, videoID int64) error {
	res := r.db.Conn(ctx).Model(&uploadModel{}).Where("id = ?", id).Update("video_id", videoID)
	if res.Error != nil {
		return fmt.Errorf("set upload video: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// Delete removes the row.
func (r *Uploads) Delete(ctx context.Context, id string) error {
	return r.db.Conn(ctx).Where("id = ?", id).Delete(&uploadModel{}).Error
}

// Expired lists unfinished uploads past their expiry, oldest first.
func (r *Uploads) Expired(ctx context.Context, now time.Time, limit int) ([]domain.Upload, error) {
	var ms []uploadModel
	err := r.db.Conn(ctx).Where("video_id IS NULL AND expires_at <= ?", now.UTC()).
		Order("expires_at").Limit(limit).Find(&ms).Error
	if err != nil {
		return nil, fmt.Errorf("list expired uploads: %w", err)
	}
	out := make([]domain.Upload, 0, len(ms))
	for _, m := range ms {
		out = append(out, toDomain(m))
	}
	return out, nil
}

func toDomain(m uploadModel) domain.Upload {
	u := domain.Upload{
		ID: m.ID, CorporationID: m.CorporationID, UserID: m.UserID, Length: m.Length, Name: m.Name,
		Visibility: m.Visibility, ExpiresAt: m.ExpiresAt.UTC(), CreatedAt: m.CreatedAt.UTC(),
	}
	if m.VideoID != nil {
		u.VideoID = *m.VideoID
	}
	return u
}
