// Package gormrepo stores media facts with GORM.
package gormrepo

import (
	"context"
	"encoding/json"
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
	Renditions      string // JSON array of renditionJSON
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (mediaModel) TableName() string { return "media" }

// renditionJSON is how a rendition is kept in media.renditions.
type renditionJSON struct {
	Name             string `json:"name"`
	Width            int    `json:"width"`
	Height           int    `json:"height"`
	Bandwidth        int64  `json:"bandwidth"`
	AverageBandwidth int64  `json:"average_bandwidth"`
	Codecs           string `json:"codecs"`
}

func encodeRenditions(rs []domain.Rendition) string {
	out := make([]renditionJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, renditionJSON(r))
	}
	b, _ := json.Marshal(out) // plain strings and numbers: cannot fail
	return string(b)
}

func decodeRenditions(s string) ([]domain.Rendition, error) {
	var rs []renditionJSON
	if s != "" {
		if err := json.Unmarshal([]byte(s), &rs); err != nil {
			return nil, fmt.Errorf("media renditions: %w", err)
		}
	}
	if len(rs) == 0 {
		return nil, nil
	}
	out := make([]domain.Rendition, 0, len(rs))
	for _, r := range rs {
		out = append(out, domain.Rendition(r))
	}
	return out, nil
}

func toDomain(m mediaModel) (domain.Media, error) {
	rs, err := decodeRenditions(m.Renditions)
	if err != nil {
		return domain.Media{}, fmt.Errorf("video %d: %w", m.VideoID, err)
	}
	return domain.Media{
		VideoID: m.VideoID, Status: domain.Status(m.Status), Error: m.Error, OriginalKey: m.OriginalKey,
		DurationSeconds: m.DurationSeconds, Width: m.Width, Height: m.Height,
		VideoCodec: m.VideoCodec, AudioCodec: m.AudioCodec, Bitrate: m.Bitrate, PosterKey: m.PosterKey,
		Renditions: rs, UpdatedAt: m.UpdatedAt,
	}, nil
}

// hlsFileModel is one file of a video's HLS.
type hlsFileModel struct {
	VideoID    int64  `gorm:"primaryKey;autoIncrement:false"`
	Path       string `gorm:"primaryKey"`
	StorageKey string
	SizeBytes  int64
}

func (hlsFileModel) TableName() string { return "media_hls_files" }

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
	d, err := toDomain(m)
	if err != nil {
		return domain.Media{}, false, err
	}
	return d, true, nil
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
		d, err := toDomain(m)
		if err != nil {
			return nil, err
		}
		out[m.VideoID] = d
	}
	return out, nil
}

// Begin inserts or resets a video's media row.
func (r *Repository) Begin(ctx context.Context, videoID int64, originalKey string, status domain.Status) error {
	now := time.Now().UTC()
	m := mediaModel{VideoID: videoID, Status: string(status), OriginalKey: originalKey, Renditions: "[]", CreatedAt: now, UpdatedAt: now}
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
		"bitrate": m.Bitrate, "poster_key": m.PosterKey, "renditions": encodeRenditions(m.Renditions),
		"updated_at": time.Now().UTC(),
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

// hlsBatch is how many HLS file rows one INSERT writes (4 parameters each).
const hlsBatch = 500

// ReplaceHLSFiles replaces the video's HLS file set and returns the one it replaced; it
// belongs in the unit of work that saves the media row, which it follows (the row's
// update holds the lock that orders two replacements of one video).
func (r *Repository) ReplaceHLSFiles(ctx context.Context, videoID int64, files []domain.HLSFile) ([]domain.HLSFile, error) {
	conn := r.db.Conn(ctx)
	var rows []hlsFileModel
	if err := conn.Where("video_id = ?", videoID).Order("path").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read HLS files: %w", err)
	}
	old := make([]domain.HLSFile, 0, len(rows))
	for _, f := range rows {
		old = append(old, domain.HLSFile{Path: f.Path, Key: f.StorageKey, Size: f.SizeBytes})
	}
	if err := conn.Where("video_id = ?", videoID).Delete(&hlsFileModel{}).Error; err != nil {
		return nil, fmt.Errorf("delete HLS files: %w", err)
	}
	if len(files) == 0 {
		return old, nil
	}
	next := make([]hlsFileModel, 0, len(files))
	for _, f := range files {
		next = append(next, hlsFileModel{VideoID: videoID, Path: f.Path, StorageKey: f.Key, SizeBytes: f.Size})
	}
	if err := conn.CreateInBatches(next, hlsBatch).Error; err != nil {
		return nil, fmt.Errorf("insert HLS files: %w", err)
	}
	return old, nil
}

// HLSFile returns the storage key of one of the video's HLS files.
func (r *Repository) HLSFile(ctx context.Context, videoID int64, path string) (string, bool, error) {
	var f hlsFileModel
	err := r.db.Conn(ctx).Where("video_id = ? AND path = ?", videoID, path).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read HLS file: %w", err)
	}
	return f.StorageKey, true, nil
}
