package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
	"vms/platform/database"
)

// Videos is the GORM ports.Videos.
type Videos struct{ db *database.DB }

var _ ports.Videos = (*Videos)(nil)

// NewVideos builds the repository.
func NewVideos(db *database.DB) *Videos { return &Videos{db: db} }

// Create inserts a video.
func (r *Videos) Create(ctx context.Context, v domain.Video) (domain.Video, error) {
	now := time.Now().UTC()
	v.ID, v.Deleted, v.DeletedAt = 0, false, nil
	if v.CreatedAt.IsZero() {
		v.CreatedAt = now
	}
	v.UpdatedAt = v.CreatedAt
	m := toModel(v)
	if err := r.db.Conn(ctx).Create(&m).Error; err != nil {
		return domain.Video{}, fmt.Errorf("insert video: %w", err)
	}
	return toDomain(m), nil
}

// GetLive returns a live video the viewer sees.
func (r *Videos) GetLive(ctx context.Context, viewer domain.Viewer, id int64) (domain.Video, error) {
	return r.first(seenBy(r.db.Conn(ctx).Where("id = ? AND deleted = ?", id, false), viewer))
}

// seenBy keeps the rows the viewer sees: public ones, and its own corporation's.
func seenBy(q *gorm.DB, viewer domain.Viewer) *gorm.DB {
	if viewer.CorporationID == 0 {
		return q.Where("visibility = ?", string(domain.Public))
	}
	return q.Where("(visibility = ? OR corporation_id = ?)", string(domain.Public), viewer.CorporationID)
}

// GetOwned returns a video of the corporation with the given deleted flag.
func (r *Videos) GetOwned(ctx context.Context, corporationID, id int64, deleted bool) (domain.Video, error) {
	return r.first(r.db.Conn(ctx).Where("id = ? AND corporation_id = ? AND deleted = ?", id, corporationID, deleted))
}

func (r *Videos) first(q *gorm.DB) (domain.Video, error) {
	var m videoModel
	if err := q.Take(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return domain.Video{}, domain.ErrNotFound
		}
		return domain.Video{}, fmt.Errorf("read video: %w", err)
	}
	return toDomain(m), nil
}

// List lists the videos the filter selects, by id. The name search lowers both sides in
// SQL, so it folds case the way the database does (PostgreSQL: by the locale, with the
// trigram index on lower(name); SQLite: ASCII letters only).
func (r *Videos) List(ctx context.Context, f domain.ListFilter, afterID int64, limit int) ([]domain.Video, error) {
	q := seenBy(r.db.Conn(ctx).Where("deleted = ? AND id > ?", f.Deleted, afterID), f.Viewer)
	if f.CorporationID != 0 {
		q = q.Where("corporation_id = ?", f.CorporationID)
	}
	if f.Query != "" {
		q = q.Where(`lower(name) LIKE lower(?) ESCAPE '\'`, "%"+likeEscaper.Replace(f.Query)+"%")
	}
	var ms []videoModel
	if err := q.Order("id").Limit(limit).Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("list videos: %w", err)
	}
	out := make([]domain.Video, 0, len(ms))
	for _, m := range ms {
		out = append(out, toDomain(m))
	}
	return out, nil
}

// Update changes a live video of the corporation.
func (r *Videos) Update(ctx context.Context, corporationID, id int64, ch domain.Changes, now time.Time) (domain.Video, error) {
	set := map[string]any{"updated_at": now}
	if ch.Name != nil {
		set["name"] = *ch.Name
	}
	if ch.SourceURL != nil {
		set["source_url"] = *ch.SourceURL
	}
	if ch.Visibility != nil {
		set["visibility"] = string(*ch.Visibility)
	}
	var out domain.Video
	err := r.db.Do(ctx, func(ctx context.Context) error {
		res := r.db.Conn(ctx).Model(&videoModel{}).
			Where("id = ? AND corporation_id = ? AND deleted = ?", id, corporationID, false).Updates(set)
		if res.Error != nil {
			return fmt.Errorf("update video: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return domain.ErrNotFound
		}
		var err error
		out, err = r.GetOwned(ctx, corporationID, id, false)
		return err
	})
	return out, err
}

// SoftDelete marks a live video of the corporation deleted.
func (r *Videos) SoftDelete(ctx context.Context, corporationID, id int64, now time.Time) error {
	res := r.db.Conn(ctx).Model(&videoModel{}).
		Where("id = ? AND corporation_id = ? AND deleted = ?", id, corporationID, false).
		Updates(map[string]any{"deleted": true, "deleted_at": now, "updated_at": now})
	if res.Error != nil {
		return fmt.Errorf("delete video: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// Restore clears the deleted flag of a deleted video of the corporation.
func (r *Videos) Restore(ctx context.Context, corporationID, id int64, now time.Time) (domain.Video, error) {
	var out domain.Video
	err := r.db.Do(ctx, func(ctx context.Context) error {
		res := r.db.Conn(ctx).Model(&videoModel{}).
			Where("id = ? AND corporation_id = ? AND deleted = ?", id, corporationID, true).
			Updates(map[string]any{"deleted": false, "deleted_at": nil, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("restore video: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return domain.ErrNotFound
		}
		var err error
		out, err = r.GetOwned(ctx, corporationID, id, false)
		return err
	})
	return out, err
}

// SoftDeleteByCorporation marks every live video of the corporation deleted.
func (r *Videos) SoftDeleteByCorporation(ctx context.Context, corporationID int64, now time.Time) (int64, error) {
	res := r.db.Conn(ctx).Model(&videoModel{}).
		Where("corporation_id = ? AND deleted = ?", corporationID, false).
		Updates(map[string]any{"deleted": true, "deleted_at": now, "updated_at": now})
	if res.Error != nil {
		return 0, fmt.Errorf("delete videos of corporation: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// CorporationOf reads the owner of a video, deleted or not.
func (r *Videos) CorporationOf(ctx context.Context, id int64) (int64, bool, error) {
	var ids []int64
	if err := r.db.Conn(ctx).Model(&videoModel{}).Where("id = ?", id).Limit(1).Pluck("corporation_id", &ids).Error; err != nil {
		return 0, false, fmt.Errorf("read video owner: %w", err)
	}
	if len(ids) == 0 {
		return 0, false, nil
	}
	return ids[0], true, nil
}

// likeEscaper makes a search string match literally in LIKE … ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
