package service_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"vms/modules/video/fake"
	"vms/platform/kind"
)

// withQuota gives the env's service a quota of limit bytes per corporation.
func (e *env) withQuota(limit int64) *fake.Quota {
	q := fake.NewQuota(limit)
	e.svc.Quota = q
	return q
}

func uploadParts(t *testing.T, declared int64) *fake.Parts {
	p := fake.NewParts(fake.TextPart("name", "clip"), fake.Part{Field: "file", Body: bytes.NewReader(sample(t))})
	p.Declared = declared
	return p
}

// An upload reserves its declared length (capped at MAX_UPLOAD_BYTES, which an upload
// declaring none reserves) before reading, and the unit of work that creates the video
// settles the reservation to the file's size.
func TestUploadReservesThenSettles(t *testing.T) {
	for _, tc := range []struct {
		name     string
		declared int64
		want     int64
	}{
		{"declared", 100_000, 100_000},
		{"undeclared", -1, 1 << 20},
		{"declared past the limit", 1<<20 + 5000, 1 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, 1<<20)
			q := e.withQuota(0)
			v, err := e.svc.Upload(context.Background(), adminA, uploadParts(t, tc.declared))
			if err != nil {
				t.Fatal(err)
			}
			if len(q.Requests) != 1 || q.Requests[0] != tc.want {
				t.Fatalf("reserved %v, want [%d]", q.Requests, tc.want)
			}
			if len(q.Settled) != 1 || len(q.Held) != 0 || len(q.Released) != 0 {
				t.Fatalf("settled %+v, held %+v, released %v", q.Settled, q.Held, q.Released)
			}
			s := q.Settled[0]
			if s.CorporationID != 100 || s.VideoID != v.ID || s.Bytes != v.SizeBytes || !strings.HasPrefix(s.Key, "multipart:") {
				t.Fatalf("settlement %+v of video %+v", s, v)
			}
		})
	}
}

// Over the quota the upload is refused before anything is read or stored.
func TestUploadOverQuotaStoresNothing(t *testing.T) {
	e := newEnv(t, 1<<20)
	q := e.withQuota(50_000)
	parts := uploadParts(t, 60_000)
	_, err := e.svc.Upload(context.Background(), adminA, parts)
	if !errors.Is(err, fake.ErrOverQuota) || kind.Of(err) != kind.TooLarge {
		t.Fatalf("Upload = %v, want the quota's refusal", err)
	}
	if len(parts.List) != 2 || len(e.storage.Keys()) != 0 || e.videos.Count() != 0 || len(q.Held) != 0 {
		t.Fatalf("parts left %d, keys %v, rows %d, held %v", len(parts.List), e.storage.Keys(), e.videos.Count(), q.Held)
	}
	// A guest is refused before any reservation.
	if _, err := e.svc.Upload(context.Background(), guestA, uploadParts(t, 10)); kind.Of(err) != kind.Forbidden || len(q.Requests) != 1 {
		t.Fatalf("guest upload = %v after %d reservations", err, len(q.Requests))
	}
}

// A refused or failed upload releases its reservation and leaves nothing stored.
func TestUploadFailureReleases(t *testing.T) {
	notVideo := func(t *testing.T) *fake.Parts {
		p := fake.NewParts(fake.TextPart("name", "x"), fake.TextPart("file", "plain text, not a video"))
		p.Declared = 500
		return p
	}
	for _, tc := range []struct {
		name  string
		parts func(t *testing.T) *fake.Parts
		setup func(e *env, q *fake.Quota)
		kind  kind.Kind
	}{
		{"not a video", notVideo, func(*env, *fake.Quota) {}, kind.UnsupportedMedia},
		{"no name", func(t *testing.T) *fake.Parts {
			p := fake.NewParts(fake.Part{Field: "file", Body: bytes.NewReader(sample(t))})
			p.Declared = 100_000
			return p
		}, func(*env, *fake.Quota) {}, kind.Invalid},
		{"the unit of work fails", func(t *testing.T) *fake.Parts { return uploadParts(t, 100_000) },
			func(e *env, _ *fake.Quota) { e.pub.Err = errors.New("handler failed") }, kind.Internal},
		{"settling fails", func(t *testing.T) *fake.Parts { return uploadParts(t, 100_000) },
			func(_ *env, q *fake.Quota) { q.Err = errors.New("usage down") }, kind.Internal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, 1<<20)
			q := e.withQuota(0)
			tc.setup(e, q)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := e.svc.Upload(ctx, adminA, tc.parts(t)); err == nil || kind.Of(err) != tc.kind {
				t.Fatalf("Upload = %v, want kind %v", err, tc.kind)
			}
			if len(q.Held) != 0 || len(q.Released) != 1 || len(q.Settled) != 0 {
				t.Fatalf("held %v, released %v, settled %v", q.Held, q.Released, q.Settled)
			}
			// (The fake unit of work does not roll the row back; the file is deleted.)
			if len(e.storage.Keys()) != 0 {
				t.Fatalf("keys %v", e.storage.Keys())
			}
		})
	}
}
