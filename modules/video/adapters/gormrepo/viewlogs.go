package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
	"vms/platform/database"
)

// ViewLogs is the GORM ports.ViewLogs.
type ViewLogs struct{ db *database.DB }

var _ ports.ViewLogs = (*ViewLogs)(nil)

// NewViewLogs builds the repository.
func NewViewLogs(db *database.DB) *ViewLogs { return &ViewLogs{db: db} }

// Find returns the view log of (userID, videoID).
func (r *ViewLogs) Find(ctx context.Context, userID, videoID int64) (domain.ViewLog, bool, error) {
	var m viewLogModel
	err := r.db.Conn(ctx).Where("user_id = ? AND video_id = ?", userID, videoID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.ViewLog{}, false, nil
	}
	if err != nil {
		return domain.ViewLog{}, false, fmt.Errorf("read view log: %w", err)
	}
	return viewLogToDomain(m), true, nil
}

// Insert writes the view log with INSERT … ON CONFLICT DO NOTHING; when another request
// wrote it first, the existing row is returned with inserted false.
func (r *ViewLogs) Insert(ctx context.Context, userID, videoID int64, now time.Time) (domain.ViewLog, bool, error) {
	conn := r.db.Conn(ctx)
	m := viewLogModel{UserID: userID, VideoID: videoID, CreatedAt: now, UpdatedAt: now}
	res := conn.Clauses(clause.OnConflict{DoNothing: true}).Create(&m)
	if res.Error != nil {
		return domain.ViewLog{}, false, fmt.Errorf("insert view log: %w", res.Error)
	}
	if res.RowsAffected == 1 && m.ID != 0 {
		return viewLogToDomain(m), true, nil
	}
	l, ok, err := r.Find(ctx, userID, videoID)
	if err != nil {
		return domain.ViewLog{}, false, err
	}
	if !ok {
		return domain.ViewLog{}, false, fmt.Errorf("insert view log: conflicting row of user %d and video %d not visible", userID, videoID)
	}
	return l, false, nil
}
