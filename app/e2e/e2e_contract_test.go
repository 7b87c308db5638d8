package e2e

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
	"testing"

	"vms/app/apptest"
)

// TestContractEdgesEndToEnd reaches the operations and error answers the other end-to-end
// tests do not, so that their documentation is checked against real answers too (apptest
// checks every exchange against app/docs/openapi.json).
func TestContractEdgesEndToEnd(t *testing.T) {
	a := apptest.Start(t, apptest.SQLite, nil)
	acme := newVideoTenant(t, a, "acme", "FREE", nil)
	vid := videoUpload(t, a, acme.adminToken, "Launch", videoSample(t))
	video := fmt.Sprintf("/v1/videos/%d", vid)
	stream := fmt.Sprintf("/v1/videos/stream/%d", vid)

	a.Do(http.MethodGet, "/healthz", nil, "").Expect(t, http.StatusOK)

	// Bad input: 400, 413, 415, 422, 409, 404.
	a.Do(http.MethodPost, "/v1/corporations", `{"name": `, "").Expect(t, http.StatusBadRequest)
	a.Do(http.MethodPost, "/v1/corporations", map[string]string{"name": "Initech"}, "").Expect(t, http.StatusUnprocessableEntity)
	a.Do(http.MethodPost, "/v1/corporations", map[string]string{"name": "acme", "plan_type": "FREE", "admin_email": "other@acme.example", "admin_password": "correct horse battery"}, "").Expect(t, http.StatusConflict)
	a.Do(http.MethodPost, "/v1/auth/login", map[string]string{"email": "not an e-mail", "password": "x"}, "").Expect(t, http.StatusUnprocessableEntity)
	a.Do(http.MethodPost, "/v1/auth/login", "email=a", "", "Content-Type: text/plain").Expect(t, http.StatusUnsupportedMediaType)
	a.Do(http.MethodPost, "/v1/auth/refresh", `{"refresh_token": "`+strings.Repeat("x", 1<<20)+`"}`, "").Expect(t, http.StatusRequestEntityTooLarge)
	a.Do(http.MethodGet, "/v1/users?limit=0", nil, acme.adminToken).Expect(t, http.StatusBadRequest)
	a.Do(http.MethodGet, "/v1/users?cursor=%21%21", nil, acme.adminToken).Expect(t, http.StatusBadRequest)
	a.Do(http.MethodGet, "/v1/users/id/0", nil, acme.adminToken).Expect(t, http.StatusBadRequest)
	a.Do(http.MethodGet, "/v1/corporations/id/999", nil, acme.adminToken).Expect(t, http.StatusNotFound)
	a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/%d?deleted=maybe", acme.corpID), nil, acme.adminToken).Expect(t, http.StatusBadRequest)

	// Login attempts beyond the limit: 429 with Retry-After.
	for range 5 {
		a.Do(http.MethodPost, "/v1/auth/login", map[string]string{"email": "admin@acme.example", "password": "wrong password"}, "").Expect(t, http.StatusUnauthorized)
	}
	if r := a.Do(http.MethodPost, "/v1/auth/login", map[string]string{"email": "admin@acme.example", "password": "wrong password"}, "").Expect(t, http.StatusTooManyRequests); r.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}

	// Videos from a source URL, changes, pages.
	var src struct {
		ID       int64   `json:"id"`
		FilePath *string `json:"file_path"`
	}
	a.Do(http.MethodPost, "/v1/videos", map[string]string{"name": "Tour", "file_path": "https://media.example.com/tour.mp4"}, acme.adminToken).Expect(t, http.StatusCreated).JSON(t, &src)
	if src.FilePath == nil || *src.FilePath != "https://media.example.com/tour.mp4" {
		t.Errorf("file_path of a URL video: %v", src.FilePath)
	}
	a.Do(http.MethodPost, "/v1/videos", map[string]string{"name": "Tour", "file_path": "ftp://media.example.com/tour.mp4"}, acme.adminToken).Expect(t, http.StatusUnprocessableEntity)
	a.Do(http.MethodPut, video, map[string]string{"name": "Launch (final)"}, acme.adminToken).Expect(t, http.StatusOK)
	a.Do(http.MethodPut, video, map[string]string{"file_path": "https://media.example.com/x.mp4"}, acme.adminToken).Expect(t, http.StatusUnprocessableEntity)
	a.Do(http.MethodPut, fmt.Sprintf("/v1/videos/%d", src.ID), map[string]string{"file_path": "https://media.example.com/tour-2.mp4"}, acme.adminToken).Expect(t, http.StatusOK)
	a.Do(http.MethodPut, video, map[string]string{"name": "x"}, acme.guestToken).Expect(t, http.StatusForbidden)
	if r := a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/%d?limit=1", acme.corpID), nil, acme.adminToken).Expect(t, http.StatusOK); !strings.Contains(r.Header.Get("Link"), `rel="next"`) {
		t.Errorf("a full page without a Link to the next one: %q", r.Header.Get("Link"))
	}
	a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/id/%d", vid), nil, acme.guestToken).Expect(t, http.StatusOK)

	// View logs.
	a.Do(http.MethodPost, "/v1/view-logs", map[string]int64{"video_id": vid}, acme.guestToken).Expect(t, http.StatusCreated)
	a.Do(http.MethodPost, "/v1/view-logs", map[string]int64{"video_id": vid}, acme.guestToken).Expect(t, http.StatusOK)
	a.Do(http.MethodPost, "/v1/view-logs", map[string]int64{"video_id": 999999}, acme.guestToken).Expect(t, http.StatusNotFound)
	a.Do(http.MethodPost, "/v1/view-logs", map[string]any{}, acme.guestToken).Expect(t, http.StatusUnprocessableEntity)
	var me struct {
		ID int64 `json:"id"`
	}
	a.Do(http.MethodGet, "/v1/auth/me", nil, acme.adminToken).Expect(t, http.StatusOK).JSON(t, &me)
	a.Do(http.MethodGet, fmt.Sprintf("/v1/view-logs/%d/%d", me.ID, vid), nil, acme.guestToken).Expect(t, http.StatusForbidden)

	// Streams: whole, ranges, several ranges, conditional, unsatisfiable, unauthenticated.
	whole := a.Do(http.MethodGet, stream, nil, acme.guestToken).Expect(t, http.StatusOK)
	if mt, _, _ := mime.ParseMediaType(whole.Header.Get("Content-Type")); !strings.HasPrefix(mt, "video/") {
		t.Errorf("stream Content-Type %q", whole.Header.Get("Content-Type"))
	}
	multi := a.Do(http.MethodGet, stream, nil, acme.guestToken, "Range: bytes=0-9,100-109").Expect(t, http.StatusPartialContent)
	if mt, _, _ := mime.ParseMediaType(multi.Header.Get("Content-Type")); mt != "multipart/byteranges" {
		t.Errorf("two ranges answered with %q", multi.Header.Get("Content-Type"))
	}
	a.Do(http.MethodGet, stream, nil, acme.guestToken, "If-None-Match: "+whole.Header.Get("ETag")).Expect(t, http.StatusNotModified)
	a.Do(http.MethodGet, stream, nil, acme.guestToken, "If-Match: \"other\"").Expect(t, http.StatusPreconditionFailed)
	a.Do(http.MethodGet, stream, nil, acme.guestToken, "Range: bytes=99999999-").Expect(t, http.StatusRequestedRangeNotSatisfiable)
	a.Do(http.MethodGet, stream, nil, "").Expect(t, http.StatusUnauthorized)
	a.Do(http.MethodHead, stream, nil, acme.guestToken, "Range: bytes=0-9").Expect(t, http.StatusOK) // range handling is defined for GET only
	a.Do(http.MethodGet, "/v1/videos/stream/0", nil, acme.guestToken).Expect(t, http.StatusBadRequest)

	// Users, corporations and tokens.
	var guest struct {
		ID int64 `json:"id"`
	}
	a.Do(http.MethodPost, "/v1/users", map[string]string{"email": "new@acme.example", "password": "short", "role": "guest"}, acme.adminToken).Expect(t, http.StatusUnprocessableEntity)
	a.Do(http.MethodPost, "/v1/users", map[string]string{"email": "guest@acme.example", "password": "another good password", "role": "guest"}, acme.adminToken).Expect(t, http.StatusConflict)
	a.Do(http.MethodGet, "/v1/users/guest@acme.example", nil, acme.adminToken).Expect(t, http.StatusOK).JSON(t, &guest)
	a.Do(http.MethodPut, fmt.Sprintf("/v1/users/%d", guest.ID), map[string]string{"role": "boss"}, acme.adminToken).Expect(t, http.StatusUnprocessableEntity)
	a.Do(http.MethodPut, fmt.Sprintf("/v1/corporations/%d", acme.corpID), map[string]string{"name": "Acme", "plan_type": "PAID", "plan_expired_at": "2099-01-01"}, acme.adminToken).Expect(t, http.StatusOK)
	a.Do(http.MethodPut, fmt.Sprintf("/v1/corporations/%d", acme.corpID), map[string]string{"name": "Acme", "plan_type": "GOLD"}, acme.adminToken).Expect(t, http.StatusUnprocessableEntity)
	a.Do(http.MethodGet, fmt.Sprintf("/v1/tokens/%d?limit=1", guest.ID), nil, acme.adminToken).Expect(t, http.StatusOK)
	a.Do(http.MethodGet, "/v1/corporations/nobody", nil, acme.adminToken).Expect(t, http.StatusNotFound)
	a.Do(http.MethodDelete, "/v1/videos/999999", nil, acme.adminToken).Expect(t, http.StatusNotFound)
}
