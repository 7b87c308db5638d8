package e2e

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vms/app/apptest"
	"vms/platform/database/dbtest"
)

// videoTenant is a corporation with a signed-in admin and guest.
type videoTenant struct {
	corpID     int64
	adminToken string
	guestToken string
	guestID    int64
}

func videoSample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/sample.mp4")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func videoLogin(t *testing.T, a *apptest.App, email, password string) string {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	a.Do(http.MethodPost, "/v1/auth/login", map[string]string{"email": email, "password": password}, "").Expect(t, 200).JSON(t, &tok)
	return tok.AccessToken
}

func newVideoTenant(t *testing.T, a *apptest.App, name, plan string, expiry *time.Time) videoTenant {
	t.Helper()
	body := map[string]any{"name": name, "plan_type": plan, "admin_email": "admin@" + name + ".example", "admin_password": "correct horse battery"}
	if expiry != nil {
		body["plan_expired_at"] = expiry.UTC().Format(time.RFC3339)
	}
	var corp struct {
		ID int64 `json:"id"`
	}
	a.Do(http.MethodPost, "/v1/corporations", body, "").Expect(t, 201).JSON(t, &corp)
	admin := videoLogin(t, a, "admin@"+name+".example", "correct horse battery")
	var guest struct {
		ID int64 `json:"id"`
	}
	a.Do(http.MethodPost, "/v1/users", map[string]string{"email": "guest@" + name + ".example", "password": "another good password", "role": "guest"}, admin).Expect(t, 201).JSON(t, &guest)
	return videoTenant{corpID: corp.ID, adminToken: admin, guestToken: videoLogin(t, a, "guest@"+name+".example", "another good password"), guestID: guest.ID}
}

func videoUpload(t *testing.T, a *apptest.App, token, name string, data []byte) int64 {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("name", name)
	fw, _ := mw.CreateFormFile("file", "../../etc/passwd")
	_, _ = fw.Write(data)
	_ = mw.Close()
	var v struct {
		ID int64 `json:"id"`
	}
	a.Do(http.MethodPost, "/v1/videos", &buf, token, "Content-Type: "+mw.FormDataContentType()).Expect(t, 201).JSON(t, &v)
	return v.ID
}

func videoPoints(t *testing.T, a *apptest.App, token string, userID int64) int64 {
	t.Helper()
	var u struct {
		Point int64 `json:"point"`
	}
	a.Do(http.MethodGet, "/v1/users/id/"+strconv.FormatInt(userID, 10), nil, token).Expect(t, 200).JSON(t, &u)
	return u.Point
}

// videoFiles lists the regular files under the storage folder.
func videoFiles(t *testing.T, a *apptest.App) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(a.Config.DataDir, "videos"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestVideoLifecycle(t *testing.T) {
	// Media processing (posters, renditions) would add files to the storage this test
	// counts; its own tests are in e2e_media_test.go.
	apptest.Each(t, map[string]string{"MEDIA_PROCESSING": "off"}, func(t *testing.T, a *apptest.App) {
		data := videoSample(t)
		future := time.Now().Add(30 * 24 * time.Hour)
		acme := newVideoTenant(t, a, "acme", "PAID", &future)
		vid := videoUpload(t, a, acme.adminToken, "Launch", data)
		path := "/v1/videos/stream/" + strconv.FormatInt(vid, 10)

		res := a.Do(http.MethodGet, path, nil, acme.guestToken, "Range: bytes=1000-2999").Expect(t, 206)
		if !bytes.Equal(res.Body, data[1000:3000]) || res.Header.Get("Content-Range") != "bytes 1000-2999/88925" {
			t.Fatalf("range body differs or Content-Range %q", res.Header.Get("Content-Range"))
		}
		a.Do(http.MethodGet, path, nil, acme.guestToken, "Range: bytes=0-99").Expect(t, 206)
		files := videoFiles(t, a)
		if len(files) != 1 || strings.Contains(files[0], "passwd") {
			t.Fatalf("stored files %v: want one file under a generated name", files)
		}
		if _, err := os.Stat(filepath.Join(a.Config.DataDir, "etc", "passwd")); err == nil {
			t.Fatal("the client's file name was used as a path")
		}
		a.Do(http.MethodHead, path, nil, acme.adminToken).Expect(t, 200)
		if p := videoPoints(t, a, acme.guestToken, acme.guestID); p != 10 {
			t.Fatalf("guest has %d points after viewing, want 10", p)
		}
		logPath := fmt.Sprintf("/v1/view-logs/%d/%d", acme.guestID, vid)
		if got := string(bytes.TrimSpace(a.Do(http.MethodGet, logPath, nil, acme.guestToken).Expect(t, 200).Body)); got != "true" {
			t.Fatalf("view log reads %s", got)
		}

		var play struct {
			URL string `json:"url"`
		}
		a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/%d/playback", vid), nil, acme.guestToken).Expect(t, 200).JSON(t, &play)
		if r := a.Do(http.MethodGet, play.URL, nil, "", "Range: bytes=0-9"); r.Status != 206 || !bytes.Equal(r.Body, data[:10]) {
			t.Fatalf("playback URL: %d", r.Status)
		}

		a.Do(http.MethodDelete, fmt.Sprintf("/v1/videos/%d", vid), nil, acme.adminToken).Expect(t, 204)
		a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/id/%d", vid), nil, "").Expect(t, 404)
		a.Do(http.MethodGet, path, nil, acme.guestToken).Expect(t, 404)
		var trash []struct {
			ID      int64 `json:"id"`
			Deleted bool  `json:"deleted"`
		}
		a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/%d?deleted=true", acme.corpID), nil, acme.adminToken).Expect(t, 200).JSON(t, &trash)
		if len(trash) != 1 || trash[0].ID != vid || !trash[0].Deleted {
			t.Fatalf("trash %+v", trash)
		}
		a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/%d?deleted=true", acme.corpID), nil, acme.guestToken).Expect(t, 403)
		a.Do(http.MethodPut, fmt.Sprintf("/v1/videos/%d/restore", vid), nil, acme.guestToken).Expect(t, 403)
		a.Do(http.MethodPut, fmt.Sprintf("/v1/videos/%d/restore", vid), nil, acme.adminToken).Expect(t, 200)
		a.Do(http.MethodGet, path, nil, acme.guestToken, "Range: bytes=0-9").Expect(t, 206)
		if p := videoPoints(t, a, acme.guestToken, acme.guestID); p != 10 {
			t.Fatalf("points changed after restore and a repeat view: %d", p)
		}

		free := newVideoTenant(t, a, "freeco", "FREE", nil)
		fv := videoUpload(t, a, free.adminToken, "Free clip", data)
		a.Do(http.MethodDelete, fmt.Sprintf("/v1/videos/%d", fv), nil, free.adminToken).Expect(t, 204)
		a.Do(http.MethodPut, fmt.Sprintf("/v1/videos/%d/restore", fv), nil, free.adminToken).Expect(t, 403)
		a.Do(http.MethodPut, fmt.Sprintf("/v1/videos/%d/restore", fv), nil, acme.adminToken).Expect(t, 404)
	})
}

// TestVideoRestoreRefusedOncePaidPlanExpired: a PAID corporation whose plan_expired_at has
// passed restores nothing, even while the expiry job has not downgraded it yet.
func TestVideoRestoreRefusedOncePaidPlanExpired(t *testing.T) {
	// The job runs once a day here: nothing downgrades the plan during the test.
	apptest.Each(t, map[string]string{"PLAN_EXPIRY_INTERVAL": "24h"}, func(t *testing.T, a *apptest.App) {
		future := time.Now().Add(30 * 24 * time.Hour)
		acme := newVideoTenant(t, a, "acme", "PAID", &future)
		vid := videoUpload(t, a, acme.adminToken, "Launch", videoSample(t))
		restore := fmt.Sprintf("/v1/videos/%d/restore", vid)
		a.Do(http.MethodDelete, fmt.Sprintf("/v1/videos/%d", vid), nil, acme.adminToken).Expect(t, 204)
		a.Do(http.MethodPut, restore, nil, acme.adminToken).Expect(t, 200)
		a.Do(http.MethodDelete, fmt.Sprintf("/v1/videos/%d", vid), nil, acme.adminToken).Expect(t, 204)

		if err := a.DB.Gorm.Exec("UPDATE corporations SET plan_expired_at = ? WHERE id = ?", time.Now().UTC().Add(-time.Minute), acme.corpID).Error; err != nil {
			t.Fatal(err)
		}
		res := a.Do(http.MethodPut, restore, nil, acme.adminToken).Expect(t, 403)
		var problem struct {
			Status int    `json:"status"`
			Title  string `json:"title"`
		}
		res.JSON(t, &problem)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") || problem.Status != 403 || problem.Title == "" {
			t.Fatalf("refusal is %q %+v, want a 403 problem+json", ct, problem)
		}
		var plan string
		if err := a.DB.Gorm.Raw("SELECT plan_type FROM corporations WHERE id = ?", acme.corpID).Scan(&plan).Error; err != nil {
			t.Fatal(err)
		}
		if plan != "PAID" {
			t.Fatalf("plan_type %q: the expiry job downgraded the corporation, so the test did not check an expired PAID plan", plan)
		}
		a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/id/%d", vid), nil, "").Expect(t, 404)
	})
}

func TestVideoUploadLimitsEndToEnd(t *testing.T) {
	a := apptest.Start(t, apptest.SQLite, map[string]string{"MAX_UPLOAD_BYTES": "50000"})
	acme := newVideoTenant(t, a, "acme", "FREE", nil)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("name", "big")
	fw, _ := mw.CreateFormFile("file", "big.mp4")
	_, _ = fw.Write(videoSample(t))
	_ = mw.Close()
	a.Do(http.MethodPost, "/v1/videos", io.MultiReader(&buf), acme.adminToken, "Content-Type: "+mw.FormDataContentType()).Expect(t, 413)
	var text bytes.Buffer
	mw = multipart.NewWriter(&text)
	_ = mw.WriteField("name", "notes")
	fw, _ = mw.CreateFormFile("file", "notes.mp4")
	_, _ = fw.Write(bytes.Repeat([]byte("plain text, not a video\n"), 100))
	_ = mw.Close()
	a.Do(http.MethodPost, "/v1/videos", &text, acme.adminToken, "Content-Type: "+mw.FormDataContentType()).Expect(t, 415)
	n := dbtest.QueryInt(t, a.DB, "SELECT count(*) FROM videos")
	if files := videoFiles(t, a); n != 0 || len(files) != 0 {
		t.Fatalf("refused uploads left %d rows and files %v", n, files)
	}
}

// viewCounts returns the user's view logs and ledger rows.
func viewCounts(t *testing.T, a *apptest.App, userID int64) (logs, ledger int64) {
	t.Helper()
	return dbtest.QueryInt(t, a.DB, "SELECT count(*) FROM video_view_logs WHERE user_id = ?", userID),
		dbtest.QueryInt(t, a.DB, "SELECT count(*) FROM point_transactions WHERE user_id = ?", userID)
}

func TestVideoConcurrentViewsCreditExactly(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		data := videoSample(t)
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		ids := make([]int64, 50)
		for i := range ids {
			ids[i] = videoUpload(t, a, acme.adminToken, fmt.Sprintf("clip %d", i), data)
		}
		var wg sync.WaitGroup
		statuses := make(chan int, 150)
		get := func(id int64) {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, a.BaseURL+"/v1/videos/stream/"+strconv.FormatInt(id, 10), nil)
			req.Header.Set("Authorization", "Bearer "+acme.guestToken)
			req.Header.Set("Range", "bytes=0-1023")
			res, err := a.Client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			statuses <- res.StatusCode
		}
		for range 100 {
			wg.Add(1)
			go get(ids[0])
		}
		wg.Wait()
		if p := videoPoints(t, a, acme.guestToken, acme.guestID); p != 10 {
			t.Fatalf("100 concurrent streams of one video credited %d points, want 10", p)
		}
		if logs, ledger := viewCounts(t, a, acme.guestID); logs != 1 || ledger != 1 {
			t.Fatalf("100 concurrent first views of one video left %d view logs and %d ledger rows, want 1 and 1", logs, ledger)
		}
		for _, id := range ids[1:] {
			wg.Add(1)
			go get(id)
		}
		wg.Wait()
		close(statuses)
		for s := range statuses {
			if s != 206 {
				t.Fatalf("stream answered %d", s)
			}
		}
		if p := videoPoints(t, a, acme.guestToken, acme.guestID); p != 500 {
			t.Fatalf("first views of 50 videos credited %d points, want 500", p)
		}
		if logs, ledger := viewCounts(t, a, acme.guestID); logs != 50 || ledger != 50 {
			t.Fatalf("%d view logs and %d ledger rows, want 50 and 50", logs, ledger)
		}
	})
}

func TestVideoOfDeletedCorporationDisappears(t *testing.T) {
	a := apptest.Start(t, apptest.SQLite, nil)
	data := videoSample(t)
	acme := newVideoTenant(t, a, "acme", "FREE", nil)
	other := newVideoTenant(t, a, "globex", "FREE", nil)
	gone := videoUpload(t, a, acme.adminToken, "Acme clip", data)
	kept := videoUpload(t, a, other.adminToken, "Globex clip", data)
	a.Do(http.MethodPut, fmt.Sprintf("/v1/videos/%d", gone), map[string]string{"visibility": "public"}, acme.adminToken).Expect(t, 200)
	a.Do(http.MethodPut, fmt.Sprintf("/v1/videos/%d", kept), map[string]string{"visibility": "public"}, other.adminToken).Expect(t, 200)
	a.Do(http.MethodDelete, fmt.Sprintf("/v1/corporations/%d", acme.corpID), nil, acme.adminToken).Expect(t, 204)
	var live []struct {
		ID int64 `json:"id"`
	}
	a.Do(http.MethodGet, "/v1/videos", nil, "").Expect(t, 200).JSON(t, &live)
	if len(live) != 1 || live[0].ID != kept {
		t.Fatalf("live videos %+v, want only %d", live, kept)
	}
	a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/id/%d", gone), nil, "").Expect(t, 404)
	a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/stream/%d", gone), nil, other.guestToken).Expect(t, 404)
}
