package points

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"vms/platform/database"
)

type transactionModel struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	Amount    int64
	Reason    string
	RefID     int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (transactionModel) TableName() string { return "point_transactions" }

func toModel(t Transaction) transactionModel {
	return transactionModel{UserID: t.UserID, Amount: t.Amount, Reason: t.Reason, RefID: t.RefID, CreatedAt: t.CreatedAt, UpdatedAt: t.CreatedAt}
}

// GormLedger is the Ledger on the application database.
type GormLedger struct{ db *database.DB }

var _ Ledger = (*GormLedger)(nil)

// NewGormLedger builds the ledger.
func NewGormLedger(db *database.DB) *GormLedger { return &GormLedger{db: db} }

// Append writes the transaction with INSERT … ON CONFLICT DO NOTHING through the handle
// of the caller's unit of work.
func (l *GormLedger) Append(ctx context.Context, t Transaction) (bool, error) {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now().UTC()
	}
	m := toModel(t)
	res := l.db.Conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&m)
	if res.Error != nil {
		return false, fmt.Errorf("insert point transaction: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}
