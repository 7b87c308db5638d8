package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
	"vms/modules/video/videoevents"
	"vms/platform/kind"
)

// An object a resumable upload completed in the bucket becomes the video's stored file
// where it is: its bytes are sniffed through the storage, nothing is copied or deleted.
func TestRegisterObjectKeepsTheObjectInPlace(t *testing.T) {
	e := newEnv(t, 1<<20)
	data := sample(t)
	e.storage.Add("up/0123.bin", data)
	var also domain.Video
	v, err := e.svc.RegisterObject(context.Background(), adminA, " Clip ", "public",
		ports.StoredObject{Key: "up/0123.bin", Size: int64(len(data)), SHA256: "feed"},
		func(_ context.Context, v domain.Video) error { also = v; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if v.StorageKey != "up/0123.bin" || v.Name != "Clip" || v.Visibility != domain.Public || v.SizeBytes != int64(len(data)) ||
		v.ContentType != "video/mp4" || v.SHA256 != "feed" || v.CorporationID != 100 || also.ID != v.ID {
		t.Fatalf("video %+v, also saw %+v", v, also)
	}
	if keys := e.storage.Keys(); len(keys) != 1 || len(e.storage.Deleted) != 0 {
		t.Fatalf("storage keys %v, deleted %v", keys, e.storage.Deleted)
	}
	pub := e.pub.Published()
	if c, ok := pub[0].(videoevents.VideoCreated); len(pub) != 2 || !ok || c.VideoID != v.ID || pub[1] != (videoevents.VideoStored{VideoID: v.ID, CorporationID: 100, StorageKey: "up/0123.bin"}) {
		t.Fatalf("published %v", pub)
	}
}

// A sha256 given for another size does not describe the object: the video gets none.
func TestRegisterObjectDropsAShaOfAnotherSize(t *testing.T) {
	e := newEnv(t, 1<<20)
	data := sample(t)
	e.storage.Add("k.bin", data)
	v, err := e.svc.RegisterObject(context.Background(), adminA, "c", "", ports.StoredObject{Key: "k.bin", Size: 1, SHA256: "feed"}, nil)
	if err != nil || v.SHA256 != "" || v.SizeBytes != int64(len(data)) || v.ETag() != "" {
		t.Fatalf("video %+v, %v", v, err)
	}
}

func TestRegisterObjectRefusals(t *testing.T) {
	boom := errors.New("also failed")
	for _, tc := range []struct {
		name   string
		max    int64
		caller bool
		body   []byte
		key    string
		also   error
		want   kind.Kind
	}{
		{name: "guest", max: 1 << 20, caller: true, key: "k.bin", want: kind.Forbidden},
		{name: "not a video", max: 1 << 20, body: []byte(strings.Repeat("plain text\n", 100)), key: "k.bin", want: kind.UnsupportedMedia},
		{name: "empty", max: 1 << 20, body: []byte{}, key: "k.bin", want: kind.Invalid},
		{name: "too large", max: 1000, key: "k.bin", want: kind.TooLarge},
		{name: "missing", max: 1 << 20, key: "other.bin", want: kind.NotFound},
		{name: "also fails", max: 1 << 20, key: "k.bin", also: boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.max)
			body := tc.body
			if body == nil {
				body = sample(t)
			}
			e.storage.Add("k.bin", body)
			caller := adminA
			if tc.caller {
				caller = guestA
			}
			_, err := e.svc.RegisterObject(context.Background(), caller, "c", "", ports.StoredObject{Key: tc.key, Size: int64(len(body))},
				func(context.Context, domain.Video) error { return tc.also })
			if tc.also != nil {
				if !errors.Is(err, boom) {
					t.Fatalf("err %v, want the also error", err)
				}
			} else if kind.Of(err) != tc.want {
				t.Fatalf("err %v (kind %v), want %v", err, kind.Of(err), tc.want)
			}
			if _, ok := e.storage.Object("k.bin"); !ok || len(e.storage.Deleted) != 0 {
				t.Fatalf("the object was deleted (%v): it stays its owner's", e.storage.Deleted)
			}
		})
	}
}
