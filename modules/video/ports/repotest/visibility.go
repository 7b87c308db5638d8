package repotest

import (
	"errors"
	"slices"
	"testing"

	"vms/modules/video/domain"
)

// as is the viewer signed in to a corporation.
func as(corp int64) domain.Viewer { return domain.Viewer{CorporationID: corp} }

func public(v domain.Video) domain.Video {
	v.Visibility = domain.Public
	return v
}

// ownedBy selects a corporation's live (or deleted) videos as one of its members sees them.
func ownedBy(corp int64, deleted bool) domain.ListFilter {
	return domain.ListFilter{Viewer: as(corp), CorporationID: corp, Deleted: deleted}
}

func testVisibility(t *testing.T, e Env) {
	aPriv := vid(t)(e.Videos.Create(ctx(), upload(e.CorpA, "k1")))
	aPub := vid(t)(e.Videos.Create(ctx(), public(upload(e.CorpA, "k2"))))
	bPriv := vid(t)(e.Videos.Create(ctx(), upload(e.CorpB, "k3")))
	bPub := vid(t)(e.Videos.Create(ctx(), public(upload(e.CorpB, "k4"))))
	bGone := vid(t)(e.Videos.Create(ctx(), public(upload(e.CorpB, "k5"))))
	if err := e.Videos.SoftDelete(ctx(), e.CorpB, bGone.ID, now); err != nil {
		t.Fatal(err)
	}
	if aPriv.Visibility != domain.Private || aPub.Visibility != domain.Public {
		t.Fatalf("created visibilities %q, %q", aPriv.Visibility, aPub.Visibility)
	}
	sees := map[domain.Viewer][]int64{
		domain.Anonymous: {aPub.ID, bPub.ID},
		as(e.CorpA):      {aPriv.ID, aPub.ID, bPub.ID},
		as(e.CorpB):      {aPub.ID, bPriv.ID, bPub.ID},
	}
	for w, want := range sees {
		if got := idsOf(vids(t)(e.Videos.List(ctx(), domain.ListFilter{Viewer: w}, 0, 10))); !slices.Equal(got, want) {
			t.Errorf("%+v lists %v, want %v", w, got, want)
		}
		for _, id := range []int64{aPriv.ID, aPub.ID, bPriv.ID, bPub.ID, bGone.ID} {
			_, err := e.Videos.GetLive(ctx(), w, id)
			if slices.Contains(want, id) != (err == nil) {
				t.Errorf("%+v gets video %d: %v", w, id, err)
			}
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("%+v gets video %d: %v, want not found", w, id, err)
			}
		}
	}
	other := domain.ListFilter{Viewer: as(e.CorpA), CorporationID: e.CorpB}
	if got := idsOf(vids(t)(e.Videos.List(ctx(), other, 0, 10))); !slices.Equal(got, []int64{bPub.ID}) {
		t.Errorf("A lists B's videos %v, want only the public one", got)
	}
	pub := domain.Public
	got := vid(t)(e.Videos.Update(ctx(), e.CorpA, aPriv.ID, domain.Changes{Visibility: &pub}, now))
	if got.Visibility != domain.Public {
		t.Fatalf("updated visibility %q", got.Visibility)
	}
	vid(t)(e.Videos.GetLive(ctx(), as(e.CorpB), aPriv.ID))
	priv := domain.Private
	vid(t)(e.Videos.Update(ctx(), e.CorpA, aPriv.ID, domain.Changes{Visibility: &priv}, now))
	if _, err := e.Videos.GetLive(ctx(), domain.Anonymous, aPriv.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("a video made private again is readable anonymously: %v", err)
	}
}

func testNameSearch(t *testing.T, e Env) {
	names := []string{"Product Tour", "tour_2026", "100% real", "other", `back\slash`, "TOURNAMENT"}
	ids := map[string]int64{}
	for i, n := range names {
		v := upload(e.CorpA, "k"+string(rune('a'+i)))
		v.Name = n
		ids[n] = vid(t)(e.Videos.Create(ctx(), v)).ID
	}
	vid(t)(e.Videos.Create(ctx(), domain.Video{Name: "tour of B", CorporationID: e.CorpB, SourceKind: domain.SourceUpload, StorageKey: "k-other"}))
	cases := map[string][]string{
		"tour":  {"Product Tour", "tour_2026", "TOURNAMENT"},
		"TOUR_": {"tour_2026"},
		"_":     {"tour_2026"},
		"%":     {"100% real"},
		"0% r":  {"100% real"},
		`\`:     {`back\slash`},
		"nope":  nil,
	}
	for q, wantNames := range cases {
		var want []int64
		for _, n := range wantNames {
			want = append(want, ids[n])
		}
		got := idsOf(vids(t)(e.Videos.List(ctx(), domain.ListFilter{Viewer: as(e.CorpA), Query: q}, 0, 10)))
		if !slices.Equal(got, want) && (len(got) != 0 || len(want) != 0) {
			t.Errorf("q=%q lists %v, want %v", q, got, want)
		}
	}
	// Keyset pages of a search.
	f := domain.ListFilter{Viewer: as(e.CorpA), CorporationID: e.CorpA, Query: "TOUR"}
	page1 := idsOf(vids(t)(e.Videos.List(ctx(), f, 0, 2)))
	page2 := idsOf(vids(t)(e.Videos.List(ctx(), f, page1[len(page1)-1], 2)))
	if got := slices.Concat(page1, page2); !slices.Equal(got, []int64{ids["Product Tour"], ids["tour_2026"], ids["TOURNAMENT"]}) {
		t.Errorf("search pages %v", got)
	}
}
