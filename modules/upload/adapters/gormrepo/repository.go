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
	APIKeyID      *int64 `gorm:"column:api_key_id"`
	Length        int64
	Name          string
	Visibility    string
	ExpiresAt     time.Time
	VideoID       *int64
	CreatedAt     time.Time
	MultipartID   string
	SHA256Offset  int64  `gorm:"column:sha256_offset"`
	SHA256State   []byte `gorm:"column:sha256_state"`
}

func (uploadModel) TableName() string { return "uploads" }

// Uploads is the GORM ports.Uploads.
type Uploads struct{ db *database.DB }

var (
	_ ports.Uploads         = (*Uploads)(nil)
	_ ports.MultipartStates = (*Uploads)(nil)
)

// NewUploads builds the repository.
func NewUploads(db *database.DB) *Uploads { return &Uploads{db: db} }

// Create inserts the row.
func (r *Uploads) Create(ctx context.Context, u domain.Upload) error {
	m := uploadModel{
		ID: u.ID, CorporationID: u.CorporationID, UserID: u.UserID, Length: u.Length, Name: u.Name,
		Visibility: u.Visibility, ExpiresAt: u.ExpiresAt.UTC(), CreatedAt: u.CreatedAt.UTC(),
	}
	if u.KeyID != 0 {
		m.APIKeyID = &u.KeyID
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

// MultipartState returns what the S3 store of parts keeps in the row.
func (r *Uploads) MultipartState(ctx context.Context, id string) (ports.MultipartState, error) {
	var m uploadModel
	err := r.db.Conn(ctx).Select("multipart_id", "sha256_offset", "sha256_state", "video_id").Where("id = ?", id).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ports.MultipartState{}, domain.ErrNotFound
	}
	if err != nil {
		return ports.MultipartState{}, fmt.Errorf("get upload multipart state: %w", err)
	}
	s := ports.MultipartState{MultipartID: m.MultipartID, SHA256Offset: m.SHA256Offset, SHA256State: m.SHA256State}
	if m.VideoID != nil {
		s.VideoID = *m.VideoID
	}
	return s, nil
}

// SetMultipartState writes the multipart upload id and the running sha256.
func (r *Uploads) SetMultipartState(ctx context.Context, id string, s ports.MultipartState) error {
	var state any // a typed nil slice would not be NULL on every driver
	if s.SHA256State != nil {
		state = s.SHA256State
	}
	res := r.db.Conn(ctx).Model(&uploadModel{}).Where("id = ?", id).Updates(map[string]any{
		"multipart_id": s.MultipartID, "sha256_offset": s.SHA256Offset, "sha256_state": state,
	})
	if res.Error != nil {
		return fmt.Errorf("set upload multipart state: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.ErrNotFound
	}
	return nil
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
	if m.APIKeyID != nil {
		u.KeyID = *m.APIKeyID
	}
	return u
}
