// Package gormrepo stores point transactions with GORM.
package gormrepo

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"vms/modules/points/domain"
	"vms/modules/points/ports"
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

func toModel(t domain.Transaction) transactionModel {
	return transactionModel{UserID: t.UserID, Amount: t.Amount, Reason: t.Reason, RefID: t.RefID, CreatedAt: t.CreatedAt, UpdatedAt: t.CreatedAt}
}

// Ledger is the GORM ports.Ledger.
type Ledger struct{ db *database.DB }

var _ ports.Ledger = (*Ledger)(nil)

// NewLedger builds the repository.
func NewLedger(db *database.DB) *Ledger { return &Ledger{db: db} }

// Append writes the transaction with INSERT … ON CONFLICT DO NOTHING through the handle of
// the caller's unit of work.
func (l *Ledger) Append(ctx context.Context, t domain.Transaction) (bool, error) {
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
