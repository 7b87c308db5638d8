// Package gormrepo stores media facts with GORM.
package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"vms/modules/media/domain"
	"vms/modules/media/ports"
	"vms/platform/database"
)

type mediaModel struct {
	VideoID         int64 `gorm:"primaryKey;autoIncrement:false"`
	Status          string
	Error           string
	OriginalKey     string
	DurationSeconds float64
	Width           int
	Height          int
	VideoCodec      string
	AudioCodec      string
	Bitrate         int64
	PosterKey       string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (mediaModel) TableName() string { return "media" }

func toDomain(m mediaModel) domain.Media {
	return domain.Media{
		VideoID: m.VideoID, Status: domain.Status(m.Status), Error: m.Error, OriginalKey: m.OriginalKey,
		DurationSeconds: m.DurationSeconds, Width: m.Width, Height: m.Height,
		VideoCodec: m.VideoCodec, AudioCodec: m.AudioCodec, Bitrate: m.Bitrate, PosterKey: m.PosterKey,
		UpdatedAt: m.UpdatedAt,
	}
}

// Repository is the GORM ports.Repository.
type Repository struct{ db *database.DB }

var _ ports.Repository = (*Repository)(nil)

// New builds the repository.
func New(db *database.DB) *Repository { return &Repository{db: db} }

// Get returns a video's media.
func (r *Repository) Get(ctx context.Context, videoID int64) (domain.Media, bool, error) {
	var m mediaModel
	err := r.db.Conn(ctx).Where("video_id = ?", videoID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Media{}, false, nil
	}
	if err != nil {
		return domain.Media{}, false, fmt.Errorf("read media: %w", err)
	}
	return toDomain(m), true, nil
}

// GetMany returns the media of those videos that have any.
func (r *Repository) GetMany(ctx context.Context, videoIDs []int64) (map[int64]domain.Media, error) {
	out := make(map[int64]domain.Media, len(videoIDs))
	if len(videoIDs) == 0 {
		return out, nil
	}
	var ms []mediaModel
	if err := r.db.Conn(ctx).Where("video_id IN ?", videoIDs).Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("read media: %w", err)
	}
	for _, m := range ms {
		out[m.VideoID] = toDomain(m)
	}
	return out, nil
}

// Begin inserts or resets a video's media row.
func (r *Repository) Begin(ctx context.Context, videoID int64, originalKey string, status domain.Status) error {
	now := time.Now().UTC()
	m := mediaModel{VideoID: videoID, Status: string(status), OriginalKey: originalKey, CreatedAt: now, UpdatedAt: now}
	err := r.db.Conn(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "video_id"}},
		DoUpdates: clause.Assignments(map[string]any{
			"status": string(status), "error": "", "original_key": originalKey, "updated_at": now,
		}),
	}).Create(&m).Error
	if err != nil {
		return fmt.Errorf("begin media: %w", err)
	}
	return nil
}

// Save writes what processing found.
func (r *Repository) Save(ctx context.Context, m domain.Media) error {
	res := r.db.Conn(ctx).Model(&mediaModel{}).Where("video_id = ?", m.VideoID).Updates(map[string]any{
		"status": string(m.Status), "error": m.Error, "duration_seconds": m.DurationSeconds,
		"width": m.Width, "height": m.Height, "video_codec": m.VideoCodec, "audio_codec": m.AudioCodec,
		"bitrate": m.Bitrate, "poster_key": m.PosterKey, "updated_at": time.Now().UTC(),
	})
	if res.Error != nil {
		return fmt.Errorf("save media: %w", res.Error)
	}
	return nil
}

// Fail marks processing failed.
func (r *Repository) Fail(ctx context.Context, videoID int64, reason string) error {
	err := r.db.Conn(ctx).Model(&mediaModel{}).Where("video_id = ?", videoID).Updates(map[string]any{
		"status": string(domain.Failed), "error": reason, "updated_at": time.Now().UTC(),
	}).Error
	if err != nil {
		return fmt.Errorf("fail media: %w", err)
	}
	return nil
}
