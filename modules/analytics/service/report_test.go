package service_test

import (
	"context"
	"testing"

	"vms/modules/analytics/domain"
	"vms/modules/analytics/fake"
	"vms/modules/analytics/service"
	"vms/platform/kind"
	"vms/platform/principal"
)

func TestReport(t *testing.T) {
	e := newEnv(t, false)
	e.svc.Served(original(1, video, domain.Span{Start: 0, End: fileSize}))
	e.svc.Served(original(2, video, domain.Span{Start: 0, End: 1300}))
	e.svc.Served(original(4, video, domain.Span{Start: 2000, End: fileSize})) // the index only
	e.flush(t)
	reports := &service.Reports{Repo: e.repo, Videos: fake.Videos{video: 100, 8: 200}}
	admin := principal.Principal{UserID: 1, CorporationID: 100, Role: principal.RoleAdmin}
	r, err := reports.Report(context.Background(), admin, video)
	if err != nil {
		t.Fatal(err)
	}
	if r.UniqueViewers != 2 || r.TotalWatchSeconds != 13 || r.MedianWatchSeconds != 6.5 || r.CompletionRate != 0.5 {
		t.Fatalf("report %+v", r)
	}
	// Buckets 0–5 stand for seconds 0, 0, 1, 1, 2, 2 (10 seconds).
	for b, share := range r.Retention {
		want := 0.5
		if b < 6 {
			want = 1
		}
		if share != want {
			t.Fatalf("retention %v", r.Retention)
		}
	}
	cases := []struct {
		name   string
		caller principal.Principal
		video  int64
		kind   kind.Kind
	}{
		{"guest", principal.Principal{UserID: 2, CorporationID: 100, Role: principal.RoleGuest}, video, kind.Forbidden},
		{"guest of another corporation", principal.Principal{UserID: 5, CorporationID: 200, Role: principal.RoleGuest}, video, kind.Forbidden},
		{"admin of another corporation", principal.Principal{UserID: 6, CorporationID: 200, Role: principal.RoleAdmin}, video, kind.NotFound},
		{"no such video", admin, 999, kind.NotFound},
	}
	for _, c := range cases {
		if _, err := reports.Report(context.Background(), c.caller, c.video); kind.Of(err) != c.kind {
			t.Errorf("%s: %v, want %s", c.name, err, c.kind)
		}
	}
	e.repo.Err = context.DeadlineExceeded
	if _, err := reports.Report(context.Background(), admin, video); err == nil || kind.Of(err) == kind.NotFound {
		t.Fatalf("a failed read: %v", err)
	}
}
