package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"vms/modules/points/fake"
	"vms/modules/points/service"
	"vms/modules/video/videoevents"
)

func TestFirstViewCreditsOnce(t *testing.T) {
	ledger, balances := fake.NewLedger(), fake.NewBalances()
	h := service.NewAwarder(ledger, balances, 10).Handler()
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
	ledger, balances := fake.NewLedger(), fake.NewBalances()
	balances.LockErr = boom
	h := service.NewAwarder(ledger, balances, 10).Handler()
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
