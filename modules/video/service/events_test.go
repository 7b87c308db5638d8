package service_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"vms/modules/video/domain"
	"vms/modules/video/fake"
	"vms/modules/video/videoevents"
)

// Creating, deleting and restoring a video publish their events inside the unit of work
// that makes the change, and a refused change publishes nothing.
func TestLifecycleEventsArePublishedWithTheChange(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20, 100)
	began := e.uow.Began
	v, err := e.svc.CreateFromURL(ctx, adminA, "Remote", "https://media.example.com/a.mp4", "public")
	if err != nil {
		t.Fatal(err)
	}
	up, err := e.svc.Upload(ctx, adminA, fake.NewParts(fake.TextPart("name", "Up"), fake.Part{Field: "file", Body: bytes.NewReader(sample(t))}))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Delete(ctx, adminA, v.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Restore(ctx, adminA, v.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Delete(ctx, adminB, up.ID); err == nil {
		t.Fatal("another corporation's admin deleted the video")
	}
	if e.uow.Began-began != 5 {
		t.Fatalf("%d units of work, want one per change (5, the refused delete included)", e.uow.Began-began)
	}
	var names []string
	for _, ev := range e.pub.Published() {
		names = append(names, ev.EventName())
	}
	want := []string{"video.created", "video.created", "video.stored", "video.deleted", "video.restored"}
	if len(names) != len(want) {
		t.Fatalf("events %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("events %v, want %v", names, want)
		}
	}
	evs := e.pub.Published()
	if c := evs[0].(videoevents.VideoCreated); c.VideoID != v.ID || c.CorporationID != 100 || c.Name != "Remote" ||
		c.Visibility != "public" || c.SourceKind != string(domain.SourceURL) || c.At.IsZero() {
		t.Fatalf("created %+v", c)
	}
	if c := evs[1].(videoevents.VideoCreated); c.VideoID != up.ID || c.SourceKind != string(domain.SourceUpload) || c.Visibility != "private" {
		t.Fatalf("uploaded %+v", c)
	}
	if d := evs[3].(videoevents.VideoDeleted); d.VideoID != v.ID || d.CorporationID != 100 || !d.At.Equal(t0) {
		t.Fatalf("deleted %+v", d)
	}
	if r := evs[4].(videoevents.VideoRestored); r.VideoID != v.ID || r.CorporationID != 100 {
		t.Fatalf("restored %+v", r)
	}
}

// A handler that refuses the event fails the change it came with.
func TestRefusedEventFailsTheChange(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	boom := errors.New("outbox down")
	e.pub.Err = boom
	if _, err := e.svc.CreateFromURL(ctx, adminA, "Remote", "https://media.example.com/a.mp4", ""); !errors.Is(err, boom) {
		t.Fatalf("create = %v, want the handler's error", err)
	}
}
