package gormrepo

import (
	"context"
	"fmt"

	"vms/modules/user/domain"
)

// LockUser locks the user's row until the transaction ends (SELECT … FOR NO KEY UPDATE
// on PostgreSQL — the FOR UPDATE strength for changing non-key columns, which does not
// deadlock with the KEY SHARE lock the view log insert's foreign-key check holds on the
// same row; SQLite's IMMEDIATE transactions already serialise writers). A missing user is
// domain.ErrNotFound.
func (r *Repository) LockUser(ctx context.Context, userID int64) error {
	var m userModel
	q := r.db.Conn(ctx).Model(&userModel{}).Select("id").Where("id = ?", userID)
	if err := r.db.ForNoKeyUpdate(q).Take(&m).Error; err != nil {
		return translate(err, "lock user")
	}
	return nil
}

// AddPoints adds amount to the user's balance in one atomic UPDATE.
func (r *Repository) AddPoints(ctx context.Context, userID int64, amount int64) error {
	res := r.db.Conn(ctx).Exec("UPDATE users SET point = point + ? WHERE id = ?", amount, userID)
	if res.Error != nil {
		return fmt.Errorf("add points: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.ErrNotFound
	}
	return nil
}
