package service_test

import (
	"context"
	"testing"

	"vms/modules/media/domain"
	"vms/modules/media/mediaevents"
	"vms/platform/events/eventstest"
)

// The media status events are published with the status they report: ready at once
// without tools, ready after processing, failed for a file the tools cannot read; a
// processing that is retried publishes nothing.
func TestStatusEventsArePublished(t *testing.T) {
	ctx := context.Background()

	off := newEnv(false)
	offEvents := &eventstest.Recorder{}
	off.svc.Publisher = offEvents
	if err := off.svc.Track(ctx, 7, "orig"); err != nil {
		t.Fatal(err)
	}
	if evs := offEvents.Published(); len(evs) != 1 || evs[0].(mediaevents.MediaReady).VideoID != 7 {
		t.Fatalf("without tools: %v, want MediaReady of video 7", evs)
	}

	on := newEnv(true)
	rec := &eventstest.Recorder{}
	on.svc.Publisher = rec
	on.tools.Probed = domain.Probe{DurationSeconds: 5, Width: 640, Height: 360, VideoCodec: "h264"}
	if err := on.svc.Track(ctx, 7, "orig"); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Published()); n != 0 {
		t.Fatalf("tracking with tools published %d events", n)
	}
	if err := on.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	evs := rec.Published()
	if len(evs) != 1 {
		t.Fatalf("after processing: %v", evs)
	}
	if r := evs[0].(mediaevents.MediaReady); r.VideoID != 7 || r.DurationSeconds != 5 || r.Width != 640 || r.Height != 360 || r.At.IsZero() {
		t.Fatalf("ready %+v", r)
	}

	on.tools.ProbeErr = &domain.UnreadableError{Reason: "moov atom not found"}
	if err := on.svc.Track(ctx, 8, "orig"); err != nil {
		t.Fatal(err)
	}
	if err := on.svc.Process(ctx, 8); err != nil {
		t.Fatal(err)
	}
	evs = rec.Published()
	if len(evs) != 2 {
		t.Fatalf("after the failure: %v", evs)
	}
	if f := evs[1].(mediaevents.MediaFailed); f.VideoID != 8 || f.Error == "" {
		t.Fatalf("failed %+v", f)
	}
}
