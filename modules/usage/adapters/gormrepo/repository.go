// Package gormrepo keeps the usage module's tables with GORM: usage_accounts,
// usage_reservations, usage_videos and usage_days. The statements are plain SQL that
// PostgreSQL and SQLite both run (upserts with ON CONFLICT, DELETE … RETURNING).
package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"vms/modules/usage/domain"
	"vms/modules/usage/ports"
	"vms/platform/database"
)

// Repository is the GORM ports.Repository.
type Repository struct{ db *database.DB }

var _ ports.Repository = (*Repository)(nil)

// New builds the repository.
func New(db *database.DB) *Repository { return &Repository{db: db} }

func (r *Repository) conn(ctx context.Context) *gorm.DB { return r.db.Conn(ctx) }

// ensureAccount inserts the corporation's account when it has none.
func (r *Repository) ensureAccount(ctx context.Context, corporationID int64) error {
	return r.conn(ctx).Exec(
		"INSERT INTO usage_accounts (corporation_id) VALUES (?) ON CONFLICT (corporation_id) DO NOTHING", corporationID).Error
}

// Reserve runs the conditional UPDATE that reserves n bytes when they fit, then records
// the reservation. Concurrent reservations queue on the account's row (PostgreSQL
// re-checks the condition on the row a concurrent one left; SQLite's IMMEDIATE
// transactions run one writer at a time), so the quota cannot be overshot.
func (r *Repository) Reserve(ctx context.Context, corporationID int64, key string, n, quota int64, expires time.Time) (domain.Account, bool, error) {
	if err := r.ensureAccount(ctx, corporationID); err != nil {
		return domain.Account{}, false, fmt.Errorf("reserve: %w", err)
	}
	stmt, args := "UPDATE usage_accounts SET reserved_bytes = reserved_bytes + ?, updated_at = ? WHERE corporation_id = ?",
		[]any{n, time.Now().UTC(), corporationID}
	if quota > 0 {
		stmt += " AND used_bytes + reserved_bytes + ? <= ?"
		args = append(args, n, quota)
	}
	q := r.conn(ctx).Exec(stmt, args...)
	if q.Error != nil {
		return domain.Account{}, false, fmt.Errorf("reserve: %w", q.Error)
	}
	if q.RowsAffected == 0 {
		acc, err := r.Account(ctx, corporationID)
		return acc, false, err
	}
	err := r.conn(ctx).Exec("INSERT INTO usage_reservations (id, corporation_id, bytes, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
		key, corporationID, n, expires.UTC(), time.Now().UTC()).Error
	if err != nil {
		return domain.Account{}, false, fmt.Errorf("record reservation: %w", err)
	}
	acc, err := r.Account(ctx, corporationID)
	if err != nil {
		return domain.Account{}, false, err
	}
	return acc, true, nil
}

type reserved struct {
	CorporationID int64
	Bytes         int64
}

// Unreserve deletes the reservation first (its row lock, then the account's: the order
// every writer here follows), then gives its bytes back.
func (r *Repository) Unreserve(ctx context.Context, corporationID int64, key string) (bool, error) {
	var gone []reserved
	err := r.conn(ctx).Raw("DELETE FROM usage_reservations WHERE id = ? AND corporation_id = ? RETURNING corporation_id, bytes",
		key, corporationID).Scan(&gone).Error
	if err != nil {
		return false, fmt.Errorf("delete reservation: %w", err)
	}
	if len(gone) == 0 {
		return false, nil
	}
	return true, r.giveBack(ctx, gone)
}

// giveBack subtracts released reservations from their accounts, in corporation order.
func (r *Repository) giveBack(ctx context.Context, gone []reserved) error {
	byCorp := map[int64]int64{}
	for _, g := range gone {
		byCorp[g.CorporationID] += g.Bytes
	}
	ids := make([]int64, 0, len(byCorp))
	for id := range byCorp {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		err := r.conn(ctx).Exec("UPDATE usage_accounts SET reserved_bytes = reserved_bytes - ?, updated_at = ? WHERE corporation_id = ?",
			byCorp[id], time.Now().UTC(), id).Error
		if err != nil {
			return fmt.Errorf("give reservation back: %w", err)
		}
	}
	return nil
}

// UnreserveExpired deletes a batch of expired reservations and gives their bytes back.
func (r *Repository) UnreserveExpired(ctx context.Context, now time.Time, limit int) (int, error) {
	var gone []reserved
	err := r.conn(ctx).Raw(`DELETE FROM usage_reservations WHERE id IN (
		SELECT id FROM usage_reservations WHERE expires_at <= ? ORDER BY expires_at LIMIT ?
	) RETURNING corporation_id, bytes`, now.UTC(), limit).Scan(&gone).Error
	if err != nil {
		return 0, fmt.Errorf("delete expired reservations: %w", err)
	}
	return len(gone), r.giveBack(ctx, gone)
}

// addStored changes the corporation's stored bytes by delta and sets its day's level,
// counting uploads more uploads on that day.
func (r *Repository) addStored(ctx context.Context, corporationID, delta int64, day domain.Day, uploads int64) error {
	var used []int64
	err := r.conn(ctx).Raw(`INSERT INTO usage_accounts (corporation_id, used_bytes, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (corporation_id) DO UPDATE SET used_bytes = usage_accounts.used_bytes + excluded.used_bytes, updated_at = excluded.updated_at
		RETURNING used_bytes`, corporationID, delta, time.Now().UTC()).Scan(&used).Error
	if err != nil {
		return fmt.Errorf("add stored bytes: %w", err)
	}
	if len(used) != 1 {
		return fmt.Errorf("add stored bytes: the upsert returned %d rows", len(used))
	}
	err = r.conn(ctx).Exec(`INSERT INTO usage_days (corporation_id, day, stored_bytes, uploads) VALUES (?, ?, ?, ?)
		ON CONFLICT (corporation_id, day) DO UPDATE SET stored_bytes = excluded.stored_bytes, uploads = usage_days.uploads + excluded.uploads`,
		corporationID, int64(day), used[0], uploads).Error
	if err != nil {
		return fmt.Errorf("record stored level: %w", err)
	}
	return nil
}

// AddVideo records the video, then adds its bytes.
func (r *Repository) AddVideo(ctx context.Context, corporationID, videoID, bytes int64, day domain.Day) (bool, error) {
	res := r.conn(ctx).Exec(`INSERT INTO usage_videos (video_id, corporation_id, original_bytes) VALUES (?, ?, ?)
		ON CONFLICT (video_id) DO NOTHING`, videoID, corporationID, bytes)
	if res.Error != nil {
		return false, fmt.Errorf("record video bytes: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return false, nil
	}
	return true, r.addStored(ctx, corporationID, bytes, day, 1)
}

type videoRow struct {
	CorporationID int64
	DerivedBytes  int64
}

// SetDerived locks the video's row, sets its derived bytes and moves the account by the
// difference.
func (r *Repository) SetDerived(ctx context.Context, videoID, bytes int64, day domain.Day) (bool, error) {
	var v videoRow
	err := r.db.ForUpdate(r.conn(ctx).Table("usage_videos").Select("corporation_id, derived_bytes").Where("video_id = ?", videoID)).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read video bytes: %w", err)
	}
	if v.DerivedBytes == bytes {
		return true, nil
	}
	if err := r.conn(ctx).Exec("UPDATE usage_videos SET derived_bytes = ? WHERE video_id = ?", bytes, videoID).Error; err != nil {
		return false, fmt.Errorf("set derived bytes: %w", err)
	}
	return true, r.addStored(ctx, v.CorporationID, bytes-v.DerivedBytes, day, 0)
}

// AddTraffic upserts each (corporation, day) in the order given.
func (r *Repository) AddTraffic(ctx context.Context, traffic []domain.Traffic) error {
	for _, t := range traffic {
		err := r.conn(ctx).Exec(`INSERT INTO usage_days (corporation_id, day, egress_bytes, first_views) VALUES (?, ?, ?, ?)
			ON CONFLICT (corporation_id, day) DO UPDATE SET egress_bytes = usage_days.egress_bytes + excluded.egress_bytes,
				first_views = usage_days.first_views + excluded.first_views`,
			t.CorporationID, int64(t.Day), t.EgressBytes, t.FirstViews).Error
		if err != nil {
			return fmt.Errorf("add traffic of corporation %d: %w", t.CorporationID, err)
		}
	}
	return nil
}

type accountRow struct {
	UsedBytes     int64
	ReservedBytes int64
}

// Account reads the account; a missing row is an empty account.
func (r *Repository) Account(ctx context.Context, corporationID int64) (domain.Account, error) {
	var rows []accountRow
	err := r.conn(ctx).Raw("SELECT used_bytes, reserved_bytes FROM usage_accounts WHERE corporation_id = ?", corporationID).Scan(&rows).Error
	if err != nil {
		return domain.Account{}, fmt.Errorf("read account: %w", err)
	}
	acc := domain.Account{CorporationID: corporationID}
	if len(rows) == 1 {
		acc.Used, acc.Reserved = rows[0].UsedBytes, rows[0].ReservedBytes
	}
	return acc, nil
}

type dayRow struct {
	Day         int64
	StoredBytes *int64
	EgressBytes int64
	FirstViews  int64
	Uploads     int64
}

// Days reads the period's rows and the last level before it.
func (r *Repository) Days(ctx context.Context, corporationID int64, first, last domain.Day) ([]domain.DayRecord, int64, error) {
	var rows []dayRow
	err := r.conn(ctx).Raw(`SELECT day, stored_bytes, egress_bytes, first_views, uploads FROM usage_days
		WHERE corporation_id = ? AND day >= ? AND day <= ? ORDER BY day`, corporationID, int64(first), int64(last)).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("read days: %w", err)
	}
	var before []int64
	err = r.conn(ctx).Raw(`SELECT stored_bytes FROM usage_days
		WHERE corporation_id = ? AND day < ? AND stored_bytes IS NOT NULL ORDER BY day DESC LIMIT 1`, corporationID, int64(first)).Scan(&before).Error
	if err != nil {
		return nil, 0, fmt.Errorf("read stored level: %w", err)
	}
	out := make([]domain.DayRecord, 0, len(rows))
	for _, d := range rows {
		out = append(out, toDomain(d))
	}
	if len(before) == 1 {
		return out, before[0], nil
	}
	return out, 0, nil
}

func toDomain(d dayRow) domain.DayRecord {
	return domain.DayRecord{Day: domain.Day(d.Day), StoredBytes: d.StoredBytes, EgressBytes: d.EgressBytes, FirstViews: d.FirstViews, Uploads: d.Uploads}
}

// Totals sums the accounts.
func (r *Repository) Totals(ctx context.Context) (int64, int64, error) {
	var t struct{ Stored, Reserved int64 }
	err := r.conn(ctx).Raw("SELECT CAST(COALESCE(SUM(used_bytes), 0) AS BIGINT) AS stored, CAST(COALESCE(SUM(reserved_bytes), 0) AS BIGINT) AS reserved FROM usage_accounts").Scan(&t).Error
	if err != nil {
		return 0, 0, fmt.Errorf("sum accounts: %w", err)
	}
	return t.Stored, t.Reserved, nil
}
