package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"vms/app/apptest"
)

// apiKey is an API key as POST /v1/api-keys answers it; Key is empty in lists.
type apiKey struct {
	ID            int64    `json:"id"`
	CorporationID int64    `json:"corporation_id"`
	Name          string   `json:"name"`
	Key           string   `json:"key"`
	Prefix        string   `json:"prefix"`
	Scopes        []string `json:"scopes"`
	CreatedAt     string   `json:"created_at"`
	LastUsedAt    *string  `json:"last_used_at"`
	ExpiresAt     *string  `json:"expires_at"`
	RevokedAt     *string  `json:"revoked_at"`
}

var keyForm = regexp.MustCompile(`^vms_[a-z2-7]{64}$`)

// createKey has the admin create a key with the scopes and returns the key itself.
func createKey(t *testing.T, a *apptest.App, adminToken, name string, scopes ...string) apiKey {
	t.Helper()
	var k apiKey
	a.Do(http.MethodPost, "/v1/api-keys", map[string]any{"name": name, "scopes": scopes}, adminToken).Expect(t, http.StatusCreated).JSON(t, &k)
	if !keyForm.MatchString(k.Key) || k.Prefix != k.Key[:12] || k.Name != name || k.RevokedAt != nil {
		t.Fatalf("created key %+v", k)
	}
	return k
}

func listKeys(t *testing.T, a *apptest.App, adminToken string) []apiKey {
	t.Helper()
	var out []apiKey
	a.Do(http.MethodGet, "/v1/api-keys?limit=100", nil, adminToken).Expect(t, http.StatusOK).JSON(t, &out)
	return out
}

func problemDetail(t *testing.T, r *apptest.Response) string {
	t.Helper()
	var p struct {
		Detail string `json:"detail"`
	}
	r.JSON(t, &p)
	return p.Detail
}

// TestAPIKeysOverHTTP creates, lists, uses and revokes keys: the key is shown once and
// stored as a hash, only admin users manage keys, revocation takes effect at once, an
// expired key is refused, last_used_at is written without a write per request.
func TestAPIKeysOverHTTP(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "keyco", "FREE", nil)
		other := newVideoTenant(t, a, "otherkeyco", "FREE", nil)
		k := createKey(t, a, acme.adminToken, "CI uploads", "videos:write", "videos:read", "videos:write")
		if !slices.Equal(k.Scopes, []string{"videos:read", "videos:write"}) || k.CorporationID != acme.corpID || k.LastUsedAt != nil || k.ExpiresAt != nil {
			t.Fatalf("created %+v", k)
		}
		var hash string
		if err := a.DB.Gorm.Raw("SELECT key_hash FROM api_keys WHERE id = ?", k.ID).Scan(&hash).Error; err != nil {
			t.Fatal(err)
		}
		if len(hash) != 64 || strings.Contains(hash, k.Key[4:]) {
			t.Fatalf("stored %q: want the SHA-256 of the key, not the key", hash)
		}

		// Managing keys is for admin users.
		a.Do(http.MethodPost, "/v1/api-keys", map[string]any{"name": "x", "scopes": []string{"videos:read"}}, acme.guestToken).Expect(t, http.StatusForbidden)
		a.Do(http.MethodGet, "/v1/api-keys", nil, acme.guestToken).Expect(t, http.StatusForbidden)
		a.Do(http.MethodGet, "/v1/api-keys", nil, "").Expect(t, http.StatusUnauthorized)
		for _, r := range []*apptest.Response{
			a.Do(http.MethodPost, "/v1/api-keys", map[string]any{"name": "x", "scopes": []string{"videos:read"}}, k.Key),
			a.Do(http.MethodGet, "/v1/api-keys", nil, k.Key),
			a.Do(http.MethodDelete, fmt.Sprintf("/v1/api-keys/%d", k.ID), nil, k.Key),
		} {
			if r.Status != http.StatusForbidden {
				t.Fatalf("a key manages keys: %d %s", r.Status, r.Body)
			}
		}
		r := a.Do(http.MethodPost, "/v1/api-keys", map[string]any{"name": "x", "scopes": []string{"videos:read", "everything"}}, acme.adminToken).Expect(t, http.StatusUnprocessableEntity)
		if !strings.Contains(string(r.Body), `"field":"scopes"`) {
			t.Fatalf("unknown scope: %s", r.Body)
		}
		a.Do(http.MethodPost, "/v1/api-keys", map[string]any{"name": "x", "scopes": []string{"videos:read"}, "expires_at": "2001-01-01"}, acme.adminToken).Expect(t, http.StatusUnprocessableEntity)
		a.Do(http.MethodPost, "/v1/api-keys", map[string]any{"name": "x"}, acme.adminToken).Expect(t, http.StatusUnprocessableEntity)
		a.Do(http.MethodPost, "/v1/api-keys", map[string]any{"name": "x", "scopes": []string{"videos:read"}, "admin": true}, acme.adminToken).Expect(t, http.StatusUnprocessableEntity)

		// The key works for its corporation; many requests, one last_used_at.
		for range 20 {
			a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/%d", acme.corpID), nil, k.Key).Expect(t, http.StatusOK)
		}
		list := listKeys(t, a, acme.adminToken)
		if len(list) != 1 || list[0].ID != k.ID || list[0].Key != "" || list[0].Prefix != k.Prefix || list[0].LastUsedAt == nil {
			t.Fatalf("list %+v", list)
		}
		if strings.Contains(string(a.Do(http.MethodGet, "/v1/api-keys", nil, acme.adminToken).Body), k.Key) {
			t.Fatal("the list shows the key")
		}
		firstUse := *list[0].LastUsedAt
		a.Do(http.MethodGet, "/v1/videos", nil, k.Key).Expect(t, http.StatusOK)
		if again := listKeys(t, a, acme.adminToken); *again[0].LastUsedAt != firstUse {
			t.Fatalf("last_used_at moved from %s to %s within a minute", firstUse, *again[0].LastUsedAt)
		}
		if len(listKeys(t, a, other.adminToken)) != 0 {
			t.Fatal("another corporation lists the key")
		}

		// Revocation: another corporation's admin gets 404; the owner's revocation takes
		// effect at once, although the key was just used (and cached).
		a.Do(http.MethodDelete, fmt.Sprintf("/v1/api-keys/%d", k.ID), nil, other.adminToken).Expect(t, http.StatusNotFound)
		a.Do(http.MethodGet, "/v1/videos", nil, k.Key).Expect(t, http.StatusOK)
		a.Do(http.MethodDelete, fmt.Sprintf("/v1/api-keys/%d", k.ID), nil, acme.adminToken).Expect(t, http.StatusNoContent)
		r = a.Do(http.MethodGet, "/v1/videos", nil, k.Key).Expect(t, http.StatusUnauthorized)
		if d := problemDetail(t, r); d != "API key was revoked" || r.Header.Get("WWW-Authenticate") == "" {
			t.Fatalf("revoked key: %q", d)
		}
		a.Do(http.MethodDelete, fmt.Sprintf("/v1/api-keys/%d", k.ID), nil, acme.adminToken).Expect(t, http.StatusNoContent)
		a.Do(http.MethodDelete, "/v1/api-keys/999999", nil, acme.adminToken).Expect(t, http.StatusNotFound)
		a.Do(http.MethodDelete, "/v1/api-keys/abc", nil, acme.adminToken).Expect(t, http.StatusBadRequest)
		if l := listKeys(t, a, acme.adminToken); l[0].RevokedAt == nil {
			t.Fatalf("list after revocation %+v", l)
		}

		// Expiry: a key past its expires_at is refused.
		soon := createKey(t, a, acme.adminToken, "soon", "videos:read")
		if err := a.DB.Gorm.Exec("UPDATE api_keys SET expires_at = ? WHERE id = ?", time.Now().Add(-time.Second).UTC(), soon.ID).Error; err != nil {
			t.Fatal(err)
		}
		if d := problemDetail(t, a.Do(http.MethodGet, "/v1/videos", nil, soon.Key).Expect(t, http.StatusUnauthorized)); d != "API key has expired" {
			t.Fatalf("expired key: %q", d)
		}
		var dated apiKey
		a.Do(http.MethodPost, "/v1/api-keys", map[string]any{"name": "dated", "scopes": []string{"users:read"}, "expires_at": "2099-01-01"}, acme.adminToken).Expect(t, http.StatusCreated).JSON(t, &dated)
		if dated.ExpiresAt == nil || *dated.ExpiresAt != "2099-01-01T00:00:00Z" {
			t.Fatalf("expires_at %v", dated.ExpiresAt)
		}

		// Unknown and malformed keys.
		for _, bad := range []string{"vms_" + strings.Repeat("a", 64), "vms_short", k.Key + "a"} {
			a.Do(http.MethodGet, "/v1/videos", nil, bad).Expect(t, http.StatusUnauthorized)
		}

		// Deleting the corporation revokes its keys at once.
		live := createKey(t, a, acme.adminToken, "live", "users:read")
		a.Do(http.MethodGet, "/v1/users", nil, live.Key).Expect(t, http.StatusOK)
		a.Do(http.MethodDelete, fmt.Sprintf("/v1/corporations/%d", acme.corpID), nil, acme.adminToken).Expect(t, http.StatusNoContent)
		a.Do(http.MethodGet, "/v1/users", nil, live.Key).Expect(t, http.StatusUnauthorized)
		var liveKeys int64
		if err := a.DB.Gorm.Raw("SELECT count(*) FROM api_keys WHERE corporation_id = ? AND revoked_at IS NULL", acme.corpID).Scan(&liveKeys).Error; err != nil {
			t.Fatal(err)
		}
		if liveKeys != 0 {
			t.Fatalf("%d keys of the deleted corporation are still live", liveKeys)
		}
	})
}

// TestAPIKeyVideoWrites runs every video write route with a key that holds videos:write
// and with one that holds every other scope: uploads (multipart and tus creation),
// source URLs, update, delete, restore and processing.
func TestAPIKeyVideoWrites(t *testing.T) {
	apptest.Each(t, map[string]string{"MEDIA_PROCESSING": "off"}, func(t *testing.T, a *apptest.App) {
		future := time.Now().Add(30 * 24 * time.Hour)
		acme := newVideoTenant(t, a, "writeco", "PAID", &future)
		writer := createKey(t, a, acme.adminToken, "writer", "videos:write")
		reader := createKey(t, a, acme.adminToken, "reader", "videos:read", "users:read", "users:write", "webhooks:write", "analytics:read")
		data := videoSample(t)
		missing := func(r *apptest.Response) {
			t.Helper()
			if r.Status != http.StatusForbidden || !strings.Contains(problemDetail(t, r), "videos:write") {
				t.Fatalf("a key without videos:write: %d %s", r.Status, r.Body)
			}
		}

		body, ct := multipartVideo(t, "by key", data)
		missing(a.Do(http.MethodPost, "/v1/videos", body, reader.Key, "Content-Type: "+ct))
		body, ct = multipartVideo(t, "by key", data)
		var v struct {
			ID            int64 `json:"id"`
			CorporationID int64 `json:"corporation_id"`
		}
		a.Do(http.MethodPost, "/v1/videos", body, writer.Key, "Content-Type: "+ct).Expect(t, http.StatusCreated).JSON(t, &v)
		if v.CorporationID != acme.corpID {
			t.Fatalf("the key's upload belongs to corporation %d", v.CorporationID)
		}
		src := map[string]string{"name": "by url", "file_path": "https://media.example.com/a.mp4"}
		missing(a.Do(http.MethodPost, "/v1/videos", src, reader.Key))
		a.Do(http.MethodPost, "/v1/videos", src, writer.Key).Expect(t, http.StatusCreated)

		meta := tusMeta("name", "tus by key")
		res, _ := tusClient{t, a, reader.Key}.create(len(data), meta)
		missing(res)
		res, upload := tusClient{t, a, writer.Key}.create(len(data), meta)
		res.Expect(t, http.StatusCreated)
		var keyID *int64
		if err := a.DB.Gorm.Raw("SELECT api_key_id FROM uploads WHERE id = ?", upload).Scan(&keyID).Error; err != nil {
			t.Fatal(err)
		}
		if keyID == nil || *keyID != writer.ID {
			t.Fatalf("the upload names key %v, want %d", keyID, writer.ID)
		}
		tc := tusClient{t, a, writer.Key}
		tc.patch(upload, 0, data).Expect(t, http.StatusNoContent)
		a.Do(http.MethodGet, "/v1/uploads/"+upload, nil, writer.Key).Expect(t, http.StatusOK)
		missing(a.Do(http.MethodGet, "/v1/uploads/"+upload, nil, reader.Key))

		id := fmt.Sprint(v.ID)
		missing(a.Do(http.MethodPut, "/v1/videos/"+id, map[string]string{"name": "renamed"}, reader.Key))
		a.Do(http.MethodPut, "/v1/videos/"+id, map[string]string{"name": "renamed"}, writer.Key).Expect(t, http.StatusOK)
		missing(a.Do(http.MethodPost, "/v1/videos/"+id+"/process", nil, reader.Key))
		missing(a.Do(http.MethodDelete, "/v1/videos/"+id, nil, reader.Key))
		a.Do(http.MethodDelete, "/v1/videos/"+id, nil, writer.Key).Expect(t, http.StatusNoContent)
		missing(a.Do(http.MethodPut, "/v1/videos/"+id+"/restore", nil, reader.Key))
		a.Do(http.MethodPut, "/v1/videos/"+id+"/restore", nil, writer.Key).Expect(t, http.StatusOK)

		// Another corporation's video does not exist for the key.
		rival := newVideoTenant(t, a, "rivalco", "PAID", &future)
		theirs := videoUpload(t, a, rival.adminToken, "theirs", data)
		a.Do(http.MethodPut, fmt.Sprintf("/v1/videos/%d", theirs), map[string]string{"name": "mine"}, writer.Key).Expect(t, http.StatusNotFound)
		a.Do(http.MethodDelete, fmt.Sprintf("/v1/videos/%d", theirs), nil, writer.Key).Expect(t, http.StatusNotFound)

		// Keys never view or earn points, whatever their scopes.
		all := createKey(t, a, acme.adminToken, "all", "videos:read", "videos:write", "users:read", "users:write", "webhooks:write", "analytics:read")
		for _, r := range []*apptest.Response{
			a.Do(http.MethodGet, "/v1/videos/stream/"+id, nil, all.Key, "Range: bytes=0-9"),
			a.Do(http.MethodHead, "/v1/videos/stream/"+id, nil, all.Key),
			a.Do(http.MethodGet, "/v1/videos/"+id+"/playback", nil, all.Key),
			a.Do(http.MethodPost, "/v1/view-logs", map[string]int64{"video_id": v.ID}, all.Key),
			a.Do(http.MethodGet, fmt.Sprintf("/v1/view-logs/%d/%s", acme.guestID, id), nil, all.Key),
			a.Do(http.MethodGet, "/v1/videos/"+id+"/hls/master.m3u8", nil, all.Key),
			a.Do(http.MethodGet, "/v1/auth/me", nil, all.Key),
			a.Do(http.MethodPost, "/v1/auth/logout-all", nil, all.Key),
		} {
			if r.Status != http.StatusForbidden {
				t.Fatalf("a key with every scope: %d %s, want 403", r.Status, r.Body)
			}
		}
		if n := apptestQueryInt(t, a, "SELECT count(*) FROM video_view_logs"); n != 0 {
			t.Fatalf("%d view logs after requests by keys", n)
		}
	})
}

// TestAPIKeyWebhookAndAnalyticsScopes: the webhook routes need webhooks:write of a key and
// video analytics analytics:read; the corporation's usage is not open to keys.
func TestAPIKeyWebhookAndAnalyticsScopes(t *testing.T) {
	apptest.Each(t, map[string]string{"MEDIA_PROCESSING": "off"}, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "scopeco", "FREE", nil)
		rival := newVideoTenant(t, a, "rivalscopeco", "FREE", nil)
		hooks := createKey(t, a, acme.adminToken, "hooks", "webhooks:write")
		stats := createKey(t, a, acme.adminToken, "stats", "analytics:read")
		data := videoSample(t)
		mine := videoUpload(t, a, acme.adminToken, "mine", data)
		theirs := videoUpload(t, a, rival.adminToken, "theirs", data)

		a.Do(http.MethodGet, "/v1/webhooks", nil, hooks.Key).Expect(t, http.StatusOK)
		a.Do(http.MethodGet, "/v1/webhooks/event-types", nil, hooks.Key).Expect(t, http.StatusOK)
		r := a.Do(http.MethodGet, "/v1/webhooks", nil, stats.Key).Expect(t, http.StatusForbidden)
		if d := problemDetail(t, r); !strings.Contains(d, "webhooks:write") {
			t.Fatalf("detail %q does not name the scope", d)
		}

		a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/%d/analytics", mine), nil, stats.Key).Expect(t, http.StatusOK)
		a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/%d/analytics", theirs), nil, stats.Key).Expect(t, http.StatusNotFound)
		r = a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/%d/analytics", mine), nil, hooks.Key).Expect(t, http.StatusForbidden)
		if d := problemDetail(t, r); !strings.Contains(d, "analytics:read") {
			t.Fatalf("detail %q does not name the scope", d)
		}

		for _, k := range []apiKey{hooks, stats} {
			a.Do(http.MethodGet, fmt.Sprintf("/v1/corporations/%d/usage", acme.corpID), nil, k.Key).Expect(t, http.StatusForbidden)
		}
	})
}
