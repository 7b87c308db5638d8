package e2e

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"vms/app/apptest"
)

// privActor is one caller of the privacy matrix: anonymous, a guest or an admin of
// corporation A or B, or an API key of corporation A.
type privActor struct {
	name  string
	corp  int // index into privWorld.corps; -1 for anonymous
	token string
	user  int64
	// scopes are an API key's; nil for a user.
	scopes []string
}

func (a privActor) isKey() bool { return a.scopes != nil }

// may reports whether the actor passes the guard of a route that needs the scope: every
// user does, a key only with the scope.
func (a privActor) may(scope string) bool { return !a.isKey() || slices.Contains(a.scopes, scope) }

// privVideo is one video of the matrix: corporation A's or B's, private or public.
type privVideo struct {
	name   string
	corp   int
	public bool
	id     int64
}

type privWorld struct {
	a      *apptest.App
	corps  [2]int64
	names  [2]string
	actors []privActor
	videos []privVideo
}

// sees is the rule under test: public videos for everyone, private ones for members of
// the owning corporation only.
func (w *privWorld) sees(who privActor, v privVideo) bool {
	return v.public || (who.corp >= 0 && who.corp == v.corp)
}

func privLogin(t *testing.T, a *apptest.App, email, password string) (token string, userID int64) {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	a.Do(http.MethodPost, "/v1/auth/login", map[string]string{"email": email, "password": password}, "").Expect(t, 200).JSON(t, &tok)
	var me struct {
		ID int64 `json:"id"`
	}
	a.Do(http.MethodGet, "/v1/auth/me", nil, tok.AccessToken).Expect(t, 200).JSON(t, &me)
	return tok.AccessToken, me.ID
}

// privUpload uploads the sample as a multipart body with a visibility part.
func privUpload(t *testing.T, a *apptest.App, token, name, visibility string, data []byte) int64 {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("name", name)
	if visibility != "" {
		_ = mw.WriteField("visibility", visibility)
	}
	fw, _ := mw.CreateFormFile("file", "clip.mp4")
	_, _ = fw.Write(data)
	_ = mw.Close()
	var v struct {
		ID         int64  `json:"id"`
		Visibility string `json:"visibility"`
	}
	a.Do(http.MethodPost, "/v1/videos", &buf, token, "Content-Type: "+mw.FormDataContentType()).Expect(t, 201).JSON(t, &v)
	want := visibility
	if want == "" {
		want = "private"
	}
	if v.Visibility != want {
		t.Fatalf("uploaded with visibility %q, answer says %q", visibility, v.Visibility)
	}
	return v.ID
}

func newPrivWorld(t *testing.T, a *apptest.App) *privWorld {
	t.Helper()
	w := &privWorld{a: a, names: [2]string{"Privacy A", "Privacy B"}}
	w.actors = []privActor{{name: "anonymous", corp: -1}}
	for i, name := range w.names {
		slug := fmt.Sprintf("priv%c", 'a'+i)
		var corp struct {
			ID int64 `json:"id"`
		}
		a.Do(http.MethodPost, "/v1/corporations", map[string]any{
			"name": name, "plan_type": "FREE", "admin_email": "admin@" + slug + ".example", "admin_password": "correct horse battery",
		}, "").Expect(t, 201).JSON(t, &corp)
		w.corps[i] = corp.ID
		admin, adminID := privLogin(t, a, "admin@"+slug+".example", "correct horse battery")
		a.Do(http.MethodPost, "/v1/users", map[string]string{"email": "guest@" + slug + ".example", "password": "another good password", "role": "guest"}, admin).Expect(t, 201)
		guest, guestID := privLogin(t, a, "guest@"+slug+".example", "another good password")
		letter := string(rune('A' + i))
		w.actors = append(w.actors,
			privActor{name: "guest of " + letter, corp: i, token: guest, user: guestID},
			privActor{name: "admin of " + letter, corp: i, token: admin, user: adminID})
	}
	// API keys of A: a reader, a writer, and one with every scope but the video ones. A
	// key asks about the views of A's admin, which it may never do.
	adminA := w.actors[2]
	for _, k := range []struct {
		name   string
		scopes []string
	}{
		{"key of A with videos:read", []string{"videos:read"}},
		{"key of A with videos:write", []string{"videos:write"}},
		{"key of A without video scopes", []string{"users:read", "users:write", "webhooks:write", "analytics:read"}},
	} {
		key := createKey(t, a, adminA.token, k.name, k.scopes...)
		w.actors = append(w.actors, privActor{name: k.name, corp: 0, token: key.Key, user: adminA.user, scopes: k.scopes})
	}
	data := videoSample(t)
	for i := range w.corps {
		admin := w.actors[2+2*i].token
		letter := string(rune('A' + i))
		// The default is private: no visibility part at all.
		w.videos = append(w.videos,
			privVideo{name: letter + " private clip", corp: i, id: privUpload(t, a, admin, letter+" private clip", "", data)},
			privVideo{name: letter + " public clip", corp: i, public: true, id: privUpload(t, a, admin, letter+" public clip", "public", data)})
	}
	return w
}

// privCheck sends one request and checks its status and that the answer may not be
// kept by a shared cache.
func privCheck(t *testing.T, a *apptest.App, label string, want int, method, path string, body any, token string, headers ...string) *apptest.Response {
	t.Helper()
	r := a.Do(method, path, body, token, headers...)
	if r.Status != want {
		t.Errorf("%s: %s %s: status %d, want %d; body %s", label, method, path, r.Status, want, r.Body)
	}
	cc := r.Header.Get("Cache-Control")
	if !strings.Contains(cc, "private") && !strings.Contains(cc, "no-store") || strings.Contains(cc, "public") {
		t.Errorf("%s: %s %s: Cache-Control %q lets shared caches keep it", label, method, path, cc)
	}
	return r
}

func privIDs(t *testing.T, r *apptest.Response) []int64 {
	t.Helper()
	var page []struct {
		ID int64 `json:"id"`
	}
	r.JSON(t, &page)
	ids := []int64{}
	for _, v := range page {
		ids = append(ids, v.ID)
	}
	return ids
}

// TestPrivacyMatrix sends every video route for a private and a public video of each of
// two corporations as an anonymous caller and as a guest and an admin of either
// corporation, and checks statuses, that lists hold exactly the videos the caller may
// see, and that corporation reads show the caller's own corporation only.
func TestPrivacyMatrix(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		w := newPrivWorld(t, a)
		for _, who := range w.actors {
			t.Run(strings.ReplaceAll(who.name, " ", "_"), func(t *testing.T) {
				privCheckLists(t, w, who)
				for _, v := range w.videos {
					privCheckVideo(t, w, who, v)
				}
				privCheckCorporations(t, w, who)
			})
		}
		privCheckBadInput(t, w)
	})
}

func privCheckLists(t *testing.T, w *privWorld, who privActor) {
	t.Helper()
	var all []int64
	var byCorp [2][]int64
	var search []int64 // q=PUBLIC%20CL
	for _, v := range w.videos {
		if w.sees(who, v) {
			all = append(all, v.id)
			byCorp[v.corp] = append(byCorp[v.corp], v.id)
			if v.public {
				search = append(search, v.id)
			}
		}
	}
	if !who.may("videos:read") {
		privCheck(t, w.a, "list", 403, http.MethodGet, "/v1/videos", nil, who.token)
		privCheck(t, w.a, "search", 403, http.MethodGet, "/v1/videos?q=clip", nil, who.token)
		for _, corp := range w.corps {
			privCheck(t, w.a, "corporation list", 403, http.MethodGet, fmt.Sprintf("/v1/videos/%d", corp), nil, who.token)
		}
		return
	}
	ids := privIDs(t, privCheck(t, w.a, "list", 200, http.MethodGet, "/v1/videos", nil, who.token))
	if !slices.Equal(ids, all) {
		t.Errorf("GET /v1/videos lists %v, want %v", ids, all)
	}
	// Keyset pages of one keep the same rule.
	var paged []int64
	next := "/v1/videos?limit=1"
	for range 10 {
		r := privCheck(t, w.a, "list page", 200, http.MethodGet, next, nil, who.token)
		paged = append(paged, privIDs(t, r)...)
		link := r.Header.Get("Link")
		if link == "" {
			break
		}
		next = link[strings.Index(link, "<")+1 : strings.Index(link, ">")]
	}
	if !slices.Equal(paged, all) {
		t.Errorf("pages of one list %v, want %v", paged, all)
	}
	ids = privIDs(t, privCheck(t, w.a, "search", 200, http.MethodGet, "/v1/videos?q="+url.QueryEscape("PUBLIC cl"), nil, who.token))
	if !slices.Equal(ids, search) {
		t.Errorf("?q=PUBLIC cl lists %v, want %v", ids, search)
	}
	ids = privIDs(t, privCheck(t, w.a, "search", 200, http.MethodGet, "/v1/videos?q="+url.QueryEscape("%"), nil, who.token))
	if len(ids) != 0 {
		t.Errorf("?q=%% lists %v: %% must match itself", ids)
	}
	for i, corp := range w.corps {
		path := fmt.Sprintf("/v1/videos/%d", corp)
		if who.corp < 0 {
			privCheck(t, w.a, "corporation list", 401, http.MethodGet, path, nil, "")
			continue
		}
		ids := privIDs(t, privCheck(t, w.a, "corporation list", 200, http.MethodGet, path, nil, who.token))
		if !slices.Equal(ids, byCorp[i]) && (len(ids) != 0 || len(byCorp[i]) != 0) {
			t.Errorf("GET %s lists %v, want %v", path, ids, byCorp[i])
		}
	}
}

func privCheckVideo(t *testing.T, w *privWorld, who privActor, v privVideo) {
	t.Helper()
	a := w.a
	label := v.name
	sees := w.sees(who, v)
	read, signed := 404, 404
	if sees {
		read, signed = 200, 200
	}
	if who.corp < 0 {
		signed = 401
	}
	if who.isKey() {
		// A key never streams, views or asks about views, whatever its scopes.
		signed = 403
		if !who.may("videos:read") {
			read = 403
		}
	}
	id := fmt.Sprint(v.id)
	stream := "/v1/videos/stream/" + id
	privCheck(t, a, label+" read", read, http.MethodGet, "/v1/videos/id/"+id, nil, who.token)
	privCheck(t, a, label+" stream head", signed, http.MethodHead, stream, nil, who.token)

	viewed := fmt.Sprintf("/v1/view-logs/%d/%s", who.user, id)
	r := privCheck(t, a, label+" view log before", signed, http.MethodGet, viewed, nil, who.token)
	if signed == 200 && strings.TrimSpace(string(r.Body)) != "false" {
		t.Errorf("%s: view log before any view: %s", label, r.Body)
	}
	created := signed
	if created == 200 {
		created = 201
	}
	privCheck(t, a, label+" view", created, http.MethodPost, "/v1/view-logs", map[string]int64{"video_id": v.id}, who.token)
	r = privCheck(t, a, label+" view log after", signed, http.MethodGet, viewed, nil, who.token)
	if signed == 200 && strings.TrimSpace(string(r.Body)) != "true" {
		t.Errorf("%s: view log after the view: %s", label, r.Body)
	}

	ranged := signed
	if ranged == 200 {
		ranged = 206
	}
	privCheck(t, a, label+" stream", ranged, http.MethodGet, stream, nil, who.token, "Range: bytes=0-9")
	r = privCheck(t, a, label+" playback", signed, http.MethodGet, "/v1/videos/"+id+"/playback", nil, who.token)
	if signed == 200 {
		var p struct {
			URL string `json:"url"`
		}
		r.JSON(t, &p)
		privCheck(t, a, label+" playback stream", 206, http.MethodGet, p.URL, nil, "", "Range: bytes=0-9")
	}

	// Changing a video stays with the admins of its corporation. A guest is refused for
	// its role before any video is looked up, so its 403 tells nothing about the video.
	update := 404
	switch {
	case who.corp < 0:
		update = 401
	case strings.HasPrefix(who.name, "guest"), !who.may("videos:write"):
		update = 403
	case who.corp == v.corp:
		update = 200
	}
	privCheck(t, a, label+" update", update, http.MethodPut, "/v1/videos/"+id, map[string]string{"name": v.name}, who.token)
}

func privCheckCorporations(t *testing.T, w *privWorld, who privActor) {
	t.Helper()
	a := w.a
	if who.isKey() {
		// Corporation routes are not open to keys.
		privCheck(t, a, "corporations", 403, http.MethodGet, "/v1/corporations", nil, who.token)
		for i, corp := range w.corps {
			privCheck(t, a, "corporation by id", 403, http.MethodGet, fmt.Sprintf("/v1/corporations/id/%d", corp), nil, who.token)
			privCheck(t, a, "corporation by name", 403, http.MethodGet, "/v1/corporations/"+url.PathEscape(w.names[i]), nil, who.token)
		}
		return
	}
	if who.corp < 0 {
		privCheck(t, a, "corporations", 401, http.MethodGet, "/v1/corporations", nil, "")
		for i, corp := range w.corps {
			privCheck(t, a, "corporation by id", 401, http.MethodGet, fmt.Sprintf("/v1/corporations/id/%d", corp), nil, "")
			privCheck(t, a, "corporation by name", 401, http.MethodGet, "/v1/corporations/"+url.PathEscape(w.names[i]), nil, "")
		}
		return
	}
	ids := privIDs(t, privCheck(t, a, "corporations", 200, http.MethodGet, "/v1/corporations", nil, who.token))
	if !slices.Equal(ids, []int64{w.corps[who.corp]}) {
		t.Errorf("GET /v1/corporations lists %v, want only %d", ids, w.corps[who.corp])
	}
	for i, corp := range w.corps {
		want := 404
		if i == who.corp {
			want = 200
		}
		privCheck(t, a, "corporation by id", want, http.MethodGet, fmt.Sprintf("/v1/corporations/id/%d", corp), nil, who.token)
		privCheck(t, a, "corporation by name", want, http.MethodGet, "/v1/corporations/"+url.PathEscape(strings.ToUpper(w.names[i])), nil, who.token)
	}
}

// privCheckBadInput checks the visibility and q validation and the visibility change.
func privCheckBadInput(t *testing.T, w *privWorld) {
	t.Helper()
	a := w.a
	admin := w.actors[2].token
	privCheck(t, a, "bad visibility on create", 422, http.MethodPost, "/v1/videos",
		map[string]string{"name": "n", "file_path": "https://media.example.com/a.mp4", "visibility": "everyone"}, admin)
	var created struct {
		ID         int64  `json:"id"`
		Visibility string `json:"visibility"`
	}
	privCheck(t, a, "public url video", 201, http.MethodPost, "/v1/videos",
		map[string]string{"name": "n", "file_path": "https://media.example.com/a.mp4", "visibility": "public"}, admin).JSON(t, &created)
	if created.Visibility != "public" {
		t.Errorf("created %+v", created)
	}
	path := fmt.Sprintf("/v1/videos/%d", w.videos[0].id)
	privCheck(t, a, "bad visibility on update", 422, http.MethodPut, path, map[string]string{"visibility": "PUBLIC"}, admin)
	privCheck(t, a, "too long q", 422, http.MethodGet, "/v1/videos?q="+strings.Repeat("a", 201), nil, "")

	// Publishing a private video shows it to anonymous callers; taking it back hides it
	// at once.
	privCheck(t, a, "publish", 200, http.MethodPut, path, map[string]string{"visibility": "public"}, admin)
	privCheck(t, a, "published read", 200, http.MethodGet, "/v1/videos/id/"+fmt.Sprint(w.videos[0].id), nil, "")
	privCheck(t, a, "unpublish", 200, http.MethodPut, path, map[string]string{"visibility": "private"}, admin)
	privCheck(t, a, "unpublished read", 404, http.MethodGet, "/v1/videos/id/"+fmt.Sprint(w.videos[0].id), nil, "")
	privCheck(t, a, "unpublished stream", 404, http.MethodGet, "/v1/videos/stream/"+fmt.Sprint(w.videos[0].id), nil, w.actors[3].token)
}
