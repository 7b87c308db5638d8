package points_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"vms/modules/points"
	"vms/modules/video/videoevents"
)

func TestFirstViewCreditsOnce(t *testing.T) {
	ledger, balances := newLedger(), newBalances()
	h := points.NewAwarder(ledger, balances, 10).Handler()
	if h.EventName() != "video.viewed" {
		t.Fatalf("handles %s", h.EventName())
	}
	ctx := context.Background()
	e := videoevents.VideoViewed{UserID: 7, VideoID: 3, CorporationID: 1, ViewLogID: 9}
	for range 3 {
		if err := h.Handle(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Handle(ctx, videoevents.VideoViewed{UserID: 7, VideoID: 4}); err != nil {
		t.Fatal(err)
	}
	if balances.Points[7] != 20 || ledger.Len() != 2 {
		t.Fatalf("points %d, ledger rows %d; want 20 and 2", balances.Points[7], ledger.Len())
	}
	if got := strings.Join(balances.Calls, ","); got != "lock,add,lock,lock,lock,add" {
		t.Fatalf("calls %s: the user must be locked before every ledger write", got)
	}
}

func TestFailuresStopTheCredit(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("db down")
	ledger, balances := newLedger(), newBalances()
	balances.LockErr = boom
	h := points.NewAwarder(ledger, balances, 10).Handler()
	if err := h.Handle(ctx, videoevents.VideoViewed{UserID: 1, VideoID: 1}); !errors.Is(err, boom) {
		t.Fatalf("lock failure: %v", err)
	}
	if ledger.Len() != 0 || balances.Points[1] != 0 {
		t.Fatal("credited although the lock failed")
	}
	balances.LockErr = nil
	ledger.Err = boom
	if err := h.Handle(ctx, videoevents.VideoViewed{UserID: 1, VideoID: 1}); !errors.Is(err, boom) {
		t.Fatalf("ledger failure: %v", err)
	}
	if balances.Points[1] != 0 {
		t.Fatal("credited although the ledger write failed")
	}
}

type ledgerKey struct {
	user   int64
	reason string
	ref    int64
}

// ledger is an in-memory points.Ledger.
type ledger struct {
	mu   sync.Mutex
	rows map[ledgerKey]points.Transaction
	Err  error
}

func newLedger() *ledger { return &ledger{rows: map[ledgerKey]points.Transaction{}} }

func (l *ledger) Append(_ context.Context, t points.Transaction) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Err != nil {
		return false, l.Err
	}
	k := ledgerKey{t.UserID, t.Reason, t.RefID}
	if _, ok := l.rows[k]; ok {
		return false, nil
	}
	l.rows[k] = t
	return true, nil
}

func (l *ledger) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.rows)
}

// balances is an in-memory points.Balances that records the order of calls.
type balances struct {
	mu      sync.Mutex
	Points  map[int64]int64
	Calls   []string
	LockErr error
}

func newBalances() *balances { return &balances{Points: map[int64]int64{}} }

func (b *balances) LockUser(context.Context, int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.Calls = append(b.Calls, "lock")
	return b.LockErr
}

func (b *balances) AddPoints(_ context.Context, userID, amount int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.Calls = append(b.Calls, "add")
	b.Points[userID] += amount
	return nil
}
