package service_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"vms/modules/video/domain"
	"vms/modules/video/fake"
	"vms/platform/kind"
	"vms/platform/principal"
)

var anonymous = principal.Principal{}

// twoTenants stores a private and a public video for corporations 100 and 200.
func twoTenants(t *testing.T, e *env) (aPriv, aPub, bPriv, bPub domain.Video) {
	t.Helper()
	mk := func(corp int64, vis domain.Visibility, key string) domain.Video {
		v, err := e.videos.Create(context.Background(), domain.Video{Name: "clip " + key, CorporationID: corp, Visibility: vis, SourceKind: domain.SourceUpload, StorageKey: key, SizeBytes: 1})
		if err != nil {
			t.Fatal(err)
		}
		e.storage.Add(key, []byte("x"))
		return v
	}
	return mk(100, domain.Private, "a1"), mk(100, domain.Public, "a2"), mk(200, domain.Private, "b1"), mk(200, domain.Public, "b2")
}

func ids(vs []domain.Video) []int64 {
	out := []int64{}
	for _, v := range vs {
		out = append(out, v.ID)
	}
	return out
}

func TestReadsShowPublicVideosAndTheCallersOwn(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	aPriv, aPub, bPriv, bPub := twoTenants(t, e)
	for _, c := range []struct {
		name   string
		who    principal.Principal
		sees   []int64
		corpB  []int64 // GET /v1/videos/200
		hidden domain.Video
	}{
		{"anonymous", anonymous, []int64{aPub.ID, bPub.ID}, nil, aPriv},
		{"guest of A", guestA, []int64{aPriv.ID, aPub.ID, bPub.ID}, []int64{bPub.ID}, bPriv},
		{"admin of B", adminB, []int64{aPub.ID, bPriv.ID, bPub.ID}, []int64{bPriv.ID, bPub.ID}, aPriv},
	} {
		t.Run(c.name, func(t *testing.T) {
			list, err := e.svc.ListLive(ctx, c.who, "", 0, 10)
			if err != nil || !slices.Equal(ids(list), c.sees) {
				t.Fatalf("list %v %v, want %v", ids(list), err, c.sees)
			}
			if c.who != anonymous {
				byCorp, err := e.svc.ListByCorporation(ctx, c.who, 200, false, "", 0, 10)
				if err != nil || !slices.Equal(ids(byCorp), c.corpB) && len(c.corpB) > 0 {
					t.Fatalf("corporation 200's list %v %v, want %v", ids(byCorp), err, c.corpB)
				}
			}
			for _, id := range c.sees {
				if _, err := e.svc.Get(ctx, c.who, id); err != nil {
					t.Errorf("get %d: %v", id, err)
				}
			}
			if _, err := e.svc.Get(ctx, c.who, c.hidden.ID); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("get another corporation's private video: %v", err)
			}
		})
	}
}

func TestAnotherCorporationsPrivateVideoIsNotFoundEverywhere(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	aPriv, _, _, bPub := twoTenants(t, e)
	// The owner's stream puts the private video into the live cache first: a cache hit
	// must not let another corporation through.
	if _, err := e.svc.OpenStream(ctx, guestA, aPriv.ID, domain.StreamRequest{Head: true}); err != nil {
		t.Fatal(err)
	}
	notFound := map[string]error{}
	_, notFound["stream"] = e.svc.OpenStream(ctx, adminB, aPriv.ID, domain.StreamRequest{})
	_, notFound["playback"] = e.svc.Playback(ctx, adminB, aPriv.ID)
	_, notFound["view"] = e.svc.ViewVideo(ctx, adminB, aPriv.ID)
	_, notFound["view log"] = e.svc.HasViewed(ctx, adminB, adminB.UserID, aPriv.ID)
	_, notFound["get"] = e.svc.Get(ctx, adminB, aPriv.ID)
	_, notFound["update"] = e.svc.Update(ctx, adminB, aPriv.ID, domain.Changes{Name: ptr("x")})
	notFound["delete"] = e.svc.Delete(ctx, adminB, aPriv.ID)
	for route, err := range notFound {
		if !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s: %v, want not found", route, err)
		}
	}
	if e.views.Len() != 0 {
		t.Fatalf("%d view logs written", e.views.Len())
	}
	// A public video of another corporation streams, plays back and records a view.
	s, err := e.svc.OpenStream(ctx, guestA, bPub.ID, domain.StreamRequest{})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if _, err := e.svc.Playback(ctx, guestA, bPub.ID); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.svc.HasViewed(ctx, guestA, guestA.UserID, bPub.ID); err != nil || !ok {
		t.Fatalf("view of a public video: %v %v", ok, err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestVisibilityIsSetOnCreateAndUpdate(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	v, err := e.svc.CreateFromURL(ctx, adminA, "r", "https://media.example.com/a.mp4", "")
	if err != nil || v.Visibility != domain.Private {
		t.Fatalf("default visibility %q %v", v.Visibility, err)
	}
	v, err = e.svc.CreateFromURL(ctx, adminA, "r", "https://media.example.com/a.mp4", "public")
	if err != nil || v.Visibility != domain.Public {
		t.Fatalf("public %q %v", v.Visibility, err)
	}
	for _, bad := range []string{"Public", "hidden", " public"} {
		_, err := e.svc.CreateFromURL(ctx, adminA, "r", "https://media.example.com/a.mp4", bad)
		var ve *kind.ValidationError
		if !errors.As(err, &ve) || ve.Fields["visibility"] == "" {
			t.Errorf("visibility %q: %v", bad, err)
		}
		if _, err := e.svc.Update(ctx, adminA, v.ID, domain.Changes{Visibility: ptr(domain.Visibility(bad))}); !errors.As(err, &ve) || ve.Fields["visibility"] == "" {
			t.Errorf("update to %q: %v", bad, err)
		}
	}
	got, err := e.svc.Update(ctx, adminA, v.ID, domain.Changes{Visibility: ptr(domain.Private)})
	if err != nil || got.Visibility != domain.Private || got.Name != "r" {
		t.Fatalf("update %+v %v", got, err)
	}
	if _, err := e.svc.Get(ctx, anonymous, v.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("a video made private is still public: %v", err)
	}

	up, err := e.svc.Upload(ctx, adminA, fake.NewParts(fake.TextPart("visibility", "public"), fake.TextPart("name", "u"), fake.Part{Field: "file", Body: bytes.NewReader(sample(t))}))
	if err != nil || up.Visibility != domain.Public {
		t.Fatalf("upload public %q %v", up.Visibility, err)
	}
	_, err = e.svc.Upload(ctx, adminA, fake.NewParts(fake.TextPart("name", "u"), fake.Part{Field: "file", Body: bytes.NewReader(sample(t))}, fake.TextPart("visibility", "everyone")))
	var ve *kind.ValidationError
	if !errors.As(err, &ve) || ve.Fields["visibility"] == "" || len(e.storage.Keys()) != 1 {
		t.Fatalf("upload with a bad visibility: %v, %d stored files", err, len(e.storage.Keys()))
	}
	padded := "   public       " // exactly the 16 bytes read; white space around the value is ignored
	if len(padded) != 16 {
		t.Fatalf("padded visibility has %d bytes", len(padded))
	}
	up, err = e.svc.Upload(ctx, adminA, fake.NewParts(fake.TextPart("visibility", padded), fake.TextPart("name", "u"), fake.Part{Field: "file", Body: bytes.NewReader(sample(t))}))
	if err != nil || up.Visibility != domain.Public {
		t.Fatalf("upload with a padded visibility: %q %v", up.Visibility, err)
	}
	_, err = e.svc.Upload(ctx, adminA, fake.NewParts(fake.TextPart("visibility", "public          junk"), fake.TextPart("name", "u"), fake.Part{Field: "file", Body: bytes.NewReader(sample(t))}))
	if !errors.As(err, &ve) || ve.Fields["visibility"] == "" || len(e.storage.Keys()) != 2 {
		t.Fatalf("upload with a visibility whose junk lies past the bytes read: %v, %d stored files", err, len(e.storage.Keys()))
	}
}

func TestNameSearchIsValidated(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	for _, name := range []string{"Product Tour", "tour_1", "other"} {
		if _, err := e.svc.CreateFromURL(ctx, adminA, name, "https://media.example.com/a.mp4", "public"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := e.svc.ListLive(ctx, anonymous, "TOUR", 0, 10)
	if err != nil || len(got) != 2 {
		t.Fatalf("search %v %v", ids(got), err)
	}
	for _, q := range []string{strings.Repeat("a", 201), "a\x00b", "\xff"} {
		_, err := e.svc.ListLive(ctx, anonymous, q, 0, 10)
		var ve *kind.ValidationError
		if !errors.As(err, &ve) || ve.Fields["q"] == "" {
			t.Errorf("q %q: %v", q, err)
		}
		if _, err := e.svc.ListByCorporation(ctx, guestA, 100, false, q, 0, 10); !errors.As(err, &ve) {
			t.Errorf("corporation list q %q: %v", q, err)
		}
	}
	if _, err := e.svc.ListLive(ctx, anonymous, strings.Repeat("é", 200), 0, 10); err != nil {
		t.Fatalf("200 characters: %v", err)
	}
}
