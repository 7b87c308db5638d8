package wiring

import (
	"context"
	"io"
	"testing"

	analyticsdomain "vms/modules/analytics/domain"
	analyticsfake "vms/modules/analytics/fake"
	analyticsservice "vms/modules/analytics/service"
	videodomain "vms/modules/video/domain"
	"vms/platform/clock"
	"vms/platform/database/uowtest"
)

// The fan-out hands analytics the originals and segments a response wrote, its
// inclusive byte ranges as half-open spans, and nothing else.
func TestDeliveriesReachAnalytics(t *testing.T) {
	repo := analyticsfake.NewRepository()
	media := &analyticsfake.Media{Originals: map[int64][]byte{7: nil}}
	index := func(io.ReadSeeker) (analyticsdomain.Index, error) {
		b := analyticsdomain.NewIndexBuilder(2)
		b.Add(100, 50, 0) // second 0: bytes 100–149
		b.Add(150, 50, 1) // second 1: bytes 150–199
		x, _ := b.Index()
		return x, nil
	}
	svc := analyticsservice.New(analyticsservice.Deps{Repo: repo, Media: media, UoW: &uowtest.UnitOfWork{}, Clock: clock.System{}, Index: index}, analyticsservice.Settings{})
	fan := deliveries{analyticsDeliveries{svc}}
	ctx := context.Background()
	fan.Delivered(ctx, videodomain.Delivery{Kind: videodomain.DeliveredOriginal, UserID: 3, VideoID: 7, Size: 300,
		Ranges: []videodomain.ByteRange{{First: 0, Last: 149}, {First: 150, Last: 198}}})
	fan.Delivered(ctx, videodomain.Delivery{Kind: videodomain.DeliveredHLSOther, UserID: 4, VideoID: 7, Path: "360p/index.m3u8", Size: 300,
		Ranges: []videodomain.ByteRange{{First: 0, Last: 299}}})
	if err := svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	w, ok := repo.Watch(7, 3)
	if !ok || w.Watched() != 1 || !w.Seconds.Has(0) {
		t.Fatalf("watch %+v: second 0 whole, second 1 a byte short", w)
	}
	if _, ok := repo.Watch(7, 4); ok || svc.Stats().Pending != 1 {
		t.Fatal("a playlist was taken in")
	}
}
