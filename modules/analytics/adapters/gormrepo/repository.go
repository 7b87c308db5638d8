// Package gormrepo stores watches with GORM.
package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"vms/modules/analytics/domain"
	"vms/modules/analytics/ports"
	"vms/platform/database"
)

type watchModel struct {
	VideoID         int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID          int64 `gorm:"primaryKey;autoIncrement:false"`
	Seconds         []byte
	WatchedSeconds  int
	FurthestSeconds int
	DurationSeconds int
	FirstSeenAt     time.Time
	LastSeenAt      time.Time
}

func (watchModel) TableName() string { return "watch_sessions" }

func toModel(w domain.Watch) watchModel {
	return watchModel{
		VideoID: w.VideoID, UserID: w.UserID, Seconds: w.Seconds.Bytes(),
		WatchedSeconds: w.Watched(), FurthestSeconds: w.Furthest(), DurationSeconds: w.Duration,
		FirstSeenAt: w.FirstSeen.UTC(), LastSeenAt: w.LastSeen.UTC(),
	}
}

func toDomain(m watchModel) domain.Watch {
	return domain.Watch{
		VideoID: m.VideoID, UserID: m.UserID, Seconds: domain.SecondsFromBytes(m.Seconds),
		Duration: m.DurationSeconds, FirstSeen: m.FirstSeenAt.UTC(), LastSeen: m.LastSeenAt.UTC(),
	}
}

// Repository is the GORM ports.Repository.
type Repository struct{ db *database.DB }

var _ ports.Repository = (*Repository)(nil)

// New builds the repository.
func New(db *database.DB) *Repository { return &Repository{db: db} }

// insertNew inserts a watch unless its row exists, or its video or user is gone (a purge
// between the response and the flush must not fail the whole flush).
const insertNew = `INSERT INTO watch_sessions
	(video_id, user_id, seconds, watched_seconds, furthest_seconds, duration_seconds, first_seen_at, last_seen_at)
	SELECT ?, ?, ?, ?, ?, ?, ?, ?
	WHERE EXISTS (SELECT 1 FROM videos WHERE id = ?) AND EXISTS (SELECT 1 FROM users WHERE id = ?)
	ON CONFLICT (video_id, user_id) DO NOTHING`

// Merge inserts each watch, or locks its row and writes the merge of both. Callers give
// the watches in (video, user) order, so two replicas flushing at once lock rows in the
// same order and cannot deadlock.
func (r *Repository) Merge(ctx context.Context, watches []domain.Watch) error {
	conn := r.db.Conn(ctx)
	for _, w := range watches {
		m := toModel(w)
		res := conn.Exec(insertNew, m.VideoID, m.UserID, m.Seconds, m.WatchedSeconds, m.FurthestSeconds, m.DurationSeconds,
			m.FirstSeenAt, m.LastSeenAt, m.VideoID, m.UserID)
		if res.Error != nil {
			return fmt.Errorf("insert watch: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			continue
		}
		var old watchModel
		err := r.db.ForNoKeyUpdate(conn.Where("video_id = ? AND user_id = ?", w.VideoID, w.UserID)).Take(&old).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			continue // the video or the user is gone
		}
		if err != nil {
			return fmt.Errorf("lock watch: %w", err)
		}
		m = toModel(toDomain(old).Merge(w))
		err = conn.Model(&watchModel{}).Where("video_id = ? AND user_id = ?", w.VideoID, w.UserID).Updates(map[string]any{
			"seconds": m.Seconds, "watched_seconds": m.WatchedSeconds, "furthest_seconds": m.FurthestSeconds,
			"duration_seconds": m.DurationSeconds, "first_seen_at": m.FirstSeenAt, "last_seen_at": m.LastSeenAt,
		}).Error
		if err != nil {
			return fmt.Errorf("update watch: %w", err)
		}
	}
	return nil
}

// Each reads a video's watches one row at a time.
func (r *Repository) Each(ctx context.Context, videoID int64, fn func(domain.Watch) error) error {
	conn := r.db.Conn(ctx)
	rows, err := conn.Model(&watchModel{}).Where("video_id = ?", videoID).Rows()
	if err != nil {
		return fmt.Errorf("read watches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m watchModel
		if err := conn.ScanRows(rows, &m); err != nil {
			return fmt.Errorf("read a watch: %w", err)
		}
		if err := fn(toDomain(m)); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read watches: %w", err)
	}
	return nil
}
