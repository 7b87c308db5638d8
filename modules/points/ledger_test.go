package points_test

import (
	"context"
	"testing"

	"vms/modules/points"
	"vms/platform/database"
	"vms/platform/database/dbtest"
)

// The awarder over the real ledger and the user module's balances (concurrent credits,
// rollback with the unit of work) is tested where both modules meet: app/wiring.

func TestAppendOnConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		user := dbtest.SeedUser(t, db, dbtest.SeedCorporation(t, db, "Acme", "FREE"), "p@example.com", "guest")
		l := points.NewGormLedger(db)
		ctx := context.Background()
		tx := points.Transaction{UserID: user, Amount: 10, Reason: points.ReasonVideoView, RefID: 5}
		if ins, err := l.Append(ctx, tx); err != nil || !ins {
			t.Fatalf("first append %v %v", ins, err)
		}
		if ins, err := l.Append(ctx, tx); err != nil || ins {
			t.Fatalf("repeat append %v %v, want not inserted", ins, err)
		}
		tx.RefID = 6
		if ins, err := l.Append(ctx, tx); err != nil || !ins {
			t.Fatalf("other ref %v %v", ins, err)
		}
		tx.Reason = "bonus"
		if ins, err := l.Append(ctx, tx); err != nil || !ins {
			t.Fatalf("other reason %v %v", ins, err)
		}
		if rows := dbtest.QueryInt(t, db, "SELECT count(*) FROM point_transactions WHERE user_id = ?", user); rows != 3 {
			t.Fatalf("ledger rows %d, want 3", rows)
		}
	})
}
