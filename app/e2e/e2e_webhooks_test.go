package e2e

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vms/app/apptest"
)

// webhooksEnv lets webhook URLs point at the tests' receivers on 127.0.0.1.
var webhooksEnv = map[string]string{"ALLOW_PRIVATE_WEBHOOKS": "true", "MEDIA_PROCESSING": "off"}

type webhookBody struct {
	ID             int64      `json:"id"`
	URL            string     `json:"url"`
	Events         []string   `json:"events"`
	Description    string     `json:"description"`
	Enabled        bool       `json:"enabled"`
	DisabledReason *string    `json:"disabled_reason"`
	FailingSince   *time.Time `json:"failing_since"`
	Secret         *string    `json:"secret"`
}

type deliveryBody struct {
	ID            int64      `json:"id"`
	WebhookID     int64      `json:"webhook_id"`
	EventID       string     `json:"event_id"`
	Type          string     `json:"type"`
	Status        string     `json:"status"`
	Attempt       int        `json:"attempt"`
	HTTPStatus    *int       `json:"http_status"`
	DurationMS    *float64   `json:"duration_ms"`
	Error         *string    `json:"error"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	DeliveredAt   *time.Time `json:"delivered_at"`
	Attempts      []struct {
		Attempt    int     `json:"attempt"`
		HTTPStatus *int    `json:"http_status"`
		Error      *string `json:"error"`
	} `json:"attempts"`
}

// newWebhook creates an endpoint of the token's corporation for the receiver and gives
// the receiver its secret.
func newWebhook(t *testing.T, a *apptest.App, token string, r *apptest.Receiver, events ...string) webhookBody {
	t.Helper()
	var w webhookBody
	res := a.Do(http.MethodPost, "/v1/webhooks", map[string]any{"url": r.URL(), "events": events, "description": "test receiver"}, token).Expect(t, 201)
	res.JSON(t, &w)
	if w.Secret == nil || !strings.HasPrefix(*w.Secret, "whsec_") || res.Header.Get("Location") != "/v1/webhooks/"+strconv.FormatInt(w.ID, 10) {
		t.Fatalf("created %+v, Location %q", w, res.Header.Get("Location"))
	}
	r.SetSecret(*w.Secret)
	return w
}

func webhookDeliveries(t *testing.T, a *apptest.App, token string, id int64) []deliveryBody {
	t.Helper()
	var ds []deliveryBody
	a.Do(http.MethodGet, "/v1/webhooks/"+strconv.FormatInt(id, 10)+"/deliveries?limit=100", nil, token).Expect(t, 200).JSON(t, &ds)
	return ds
}

// awaitDeliveries polls an endpoint's deliveries until done holds.
func awaitDeliveries(t *testing.T, a *apptest.App, token string, id int64, timeout time.Duration, what string, done func([]deliveryBody) bool) []deliveryBody {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ds := webhookDeliveries(t, a, token, id)
		if done(ds) {
			return ds
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s the deliveries are not %s: %+v", timeout, what, ds)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestWebhookEndpointsEndToEnd(t *testing.T) {
	apptest.Each(t, webhooksEnv, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		other := newVideoTenant(t, a, "other", "FREE", nil)
		r := apptest.NewReceiver(t)
		w := newWebhook(t, a, acme.adminToken, r, "view.first", "video.created", "view.first")
		if key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(*w.Secret, "whsec_")); err != nil || len(key) != 32 {
			t.Fatalf("secret %q: %d bytes, %v", *w.Secret, len(key), err)
		}
		if strings.Join(w.Events, ",") != "video.created,view.first" || !w.Enabled || w.DisabledReason != nil || w.Description != "test receiver" {
			t.Fatalf("created %+v", w)
		}
		path := "/v1/webhooks/" + strconv.FormatInt(w.ID, 10)

		// The secret is shown once.
		var got webhookBody
		a.Do(http.MethodGet, path, nil, acme.adminToken).Expect(t, 200).JSON(t, &got)
		var list []webhookBody
		a.Do(http.MethodGet, "/v1/webhooks", nil, acme.adminToken).Expect(t, 200).JSON(t, &list)
		if got.Secret != nil || len(list) != 1 || list[0].Secret != nil || list[0].ID != w.ID {
			t.Fatalf("read %+v, list %+v: no secret after creation", got, list)
		}

		// Other corporations see nothing; guests manage nothing.
		for _, c := range []struct{ method, path string }{
			{http.MethodGet, path}, {http.MethodPut, path}, {http.MethodDelete, path}, {http.MethodPost, path + "/test"},
			{http.MethodGet, path + "/deliveries"}, {http.MethodPost, path + "/deliveries/1/retry"},
		} {
			var body any
			if c.method == http.MethodPut {
				body = map[string]any{"enabled": false}
			}
			a.Do(c.method, c.path, body, other.adminToken).Expect(t, 404)
			a.Do(c.method, c.path, body, acme.guestToken).Expect(t, 403)
		}
		a.Do(http.MethodGet, "/v1/webhooks", nil, other.adminToken).Expect(t, 200).JSON(t, &list)
		if len(list) != 0 {
			t.Fatalf("another corporation lists %+v", list)
		}
		for _, body := range []map[string]any{
			{"url": "ftp://hooks.acme.example/", "events": []string{"view.first"}},
			{"url": "https://user:secret@hooks.acme.example/", "events": []string{"view.first"}},
			{"url": r.URL(), "events": []string{"video.exploded"}},
			{"url": r.URL(), "events": []string{}},
			{"url": r.URL()},
		} {
			a.Do(http.MethodPost, "/v1/webhooks", body, acme.adminToken).Expect(t, 422)
		}
		a.Do(http.MethodPut, path, map[string]any{}, acme.adminToken).Expect(t, 422)

		// A test event arrives signed; the deliveries list shows it.
		var d deliveryBody
		a.Do(http.MethodPost, path+"/test", nil, acme.adminToken).Expect(t, 202).JSON(t, &d)
		if d.Type != "webhook.test" || d.Status != "pending" || d.Attempt != 0 || !strings.HasPrefix(d.EventID, "msg_") {
			t.Fatalf("test delivery %+v", d)
		}
		evs := r.Await(30*time.Second, "the test event", func(evs []apptest.Received) bool { return len(evs) == 1 })
		var data struct {
			WebhookID     int64 `json:"webhook_id"`
			CorporationID int64 `json:"corporation_id"`
		}
		if err := apptest.DataOf(evs, "webhook.test", &data); err != nil || evs[0].ID != d.EventID || data.WebhookID != w.ID || data.CorporationID != acme.corpID {
			t.Fatalf("received %+v, data %+v %v", evs, data, err)
		}
		ds := awaitDeliveries(t, a, acme.adminToken, w.ID, 30*time.Second, "succeeded", func(ds []deliveryBody) bool {
			return len(ds) == 1 && ds[0].Status == "succeeded"
		})
		if ds[0].Attempt != 1 || ds[0].HTTPStatus == nil || *ds[0].HTTPStatus != 204 || ds[0].DeliveredAt == nil || ds[0].NextAttemptAt != nil || len(ds[0].Attempts) != 1 {
			t.Fatalf("delivered %+v", ds[0])
		}

		// A failing receiver: the attempt is recorded with its status and the next attempt.
		r.SetStatus(http.StatusServiceUnavailable)
		a.Do(http.MethodPost, path+"/test", nil, acme.adminToken).Expect(t, 202).JSON(t, &d)
		ds = awaitDeliveries(t, a, acme.adminToken, w.ID, 30*time.Second, "failed once", func(ds []deliveryBody) bool {
			return len(ds) == 2 && ds[0].Attempt == 1
		})
		if f := ds[0]; f.ID != d.ID || f.Status != "pending" || f.HTTPStatus == nil || *f.HTTPStatus != 503 || f.Error == nil || f.NextAttemptAt == nil ||
			!f.NextAttemptAt.After(time.Now()) || f.DurationMS == nil {
			t.Fatalf("failed attempt %+v", f)
		}
		a.Do(http.MethodPost, path+"/deliveries/"+strconv.FormatInt(d.ID, 10)+"/retry", nil, acme.adminToken).Expect(t, 409)
		r.SetStatus(http.StatusOK)
		awaitDeliveries(t, a, acme.adminToken, w.ID, 60*time.Second, "retried to success", func(ds []deliveryBody) bool {
			return ds[0].Status == "succeeded" && ds[0].Attempt == 2
		})

		// A manual retry sends the same event again.
		first := ds[1]
		a.Do(http.MethodPost, path+"/deliveries/"+strconv.FormatInt(first.ID, 10)+"/retry", nil, acme.adminToken).Expect(t, 202).JSON(t, &d)
		if d.Status != "pending" || d.EventID != first.EventID {
			t.Fatalf("retried %+v", d)
		}
		r.Await(30*time.Second, "the retried event again", func([]apptest.Received) bool {
			n := 0
			for _, e := range r.All() {
				if e.ID == first.EventID {
					n++
				}
			}
			return n == 2
		})
		a.Do(http.MethodPost, path+"/deliveries/999999/retry", nil, acme.adminToken).Expect(t, 404)

		// Changes, a disabled endpoint, deletion.
		a.Do(http.MethodPut, path, map[string]any{"enabled": false, "events": []string{"user.created"}}, acme.adminToken).Expect(t, 200).JSON(t, &got)
		if got.Enabled || got.DisabledReason != nil || strings.Join(got.Events, ",") != "user.created" || got.URL != r.URL() {
			t.Fatalf("updated %+v", got)
		}
		var catalogue map[string]json.RawMessage
		a.Do(http.MethodGet, "/v1/webhooks/event-types", nil, acme.guestToken).Expect(t, 200).JSON(t, &catalogue)
		if len(catalogue) != 11 {
			t.Fatalf("event types answer has %d keys", len(catalogue))
		}
		a.Do(http.MethodDelete, path, nil, acme.adminToken).Expect(t, 204)
		a.Do(http.MethodGet, path, nil, acme.adminToken).Expect(t, 404)
		a.Do(http.MethodGet, path+"/deliveries", nil, acme.adminToken).Expect(t, 404)
	})
}

// Without ALLOW_PRIVATE_WEBHOOKS a URL whose host is or resolves to an internal address
// is refused when the endpoint is created or changed.
func TestWebhookInternalURLsAreRefused(t *testing.T) {
	apptest.Each(t, map[string]string{"MEDIA_PROCESSING": "off"}, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		for _, u := range []string{
			"http://127.0.0.1:8080/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]/hook", "http://10.0.0.7/hook",
			"http://localhost:9000/hook", "http://192.168.1.10/", "http://[fd00::1]/", "http://0.0.0.0/",
		} {
			res := a.Do(http.MethodPost, "/v1/webhooks", map[string]any{"url": u, "events": []string{"view.first"}}, acme.adminToken).Expect(t, 422)
			if !strings.Contains(string(res.Body), `"field":"url"`) {
				t.Fatalf("%s: %s, want an error naming url", u, res.Body)
			}
		}
		var w webhookBody
		a.Do(http.MethodPost, "/v1/webhooks", map[string]any{"url": "https://hooks.vms-test.invalid/hook", "events": []string{"view.first"}}, acme.adminToken).Expect(t, 201).JSON(t, &w)
		a.Do(http.MethodPut, "/v1/webhooks/"+strconv.FormatInt(w.ID, 10), map[string]any{"url": "http://169.254.169.254/"}, acme.adminToken).Expect(t, 422)
	})
}

// Every event type arrives, signed, with its data: a video's life (created, processed,
// failed, deleted, restored), a first view, users created and deleted, and plan changes,
// the automatic downgrade included.
func TestWebhookEventsEndToEnd(t *testing.T) {
	env := map[string]string{"ALLOW_PRIVATE_WEBHOOKS": "true", "MEDIA_PROCESSING": "required", "HLS_LADDER": "240"}
	apptest.Each(t, env, func(t *testing.T, a *apptest.App) {
		expiry := time.Now().Add(30 * 24 * time.Hour)
		acme := newVideoTenant(t, a, "acme", "PAID", &expiry)
		r := apptest.NewReceiver(t)
		newWebhook(t, a, acme.adminToken, r, "video.created", "video.ready", "video.failed", "video.deleted", "video.restored",
			"view.first", "user.created", "user.deleted", "corporation.plan_changed")

		var user struct {
			ID int64 `json:"id"`
		}
		a.Do(http.MethodPost, "/v1/users", map[string]string{"email": "new@acme.example", "password": "another good password", "role": "guest"}, acme.adminToken).Expect(t, 201).JSON(t, &user)
		ready := videoUpload(t, a, acme.adminToken, "Sample", videoSample(t))
		junk := videoUpload(t, a, acme.adminToken, "Junk", append([]byte{0x1A, 0x45, 0xDF, 0xA3}, []byte(strings.Repeat("not a real video ", 400))...))
		var remote struct {
			ID int64 `json:"id"`
		}
		a.Do(http.MethodPost, "/v1/videos", map[string]string{"name": "Remote", "file_path": "https://media.example.com/a.mp4", "visibility": "public"}, acme.adminToken).Expect(t, 201).JSON(t, &remote)
		a.Do(http.MethodPost, "/v1/view-logs", map[string]int64{"video_id": ready}, acme.guestToken).Expect(t, 201)
		rid := strconv.FormatInt(remote.ID, 10)
		a.Do(http.MethodDelete, "/v1/videos/"+rid, nil, acme.adminToken).Expect(t, 204)
		a.Do(http.MethodPut, "/v1/videos/"+rid+"/restore", nil, acme.adminToken).Expect(t, 200)
		a.Do(http.MethodDelete, "/v1/users/"+strconv.FormatInt(user.ID, 10), nil, acme.adminToken).Expect(t, 204)
		// An admin's change: PAID until a moment from now; then the expiry job's.
		soon := time.Now().Add(1500 * time.Millisecond).UTC().Truncate(time.Millisecond)
		a.Do(http.MethodPut, "/v1/corporations/"+strconv.FormatInt(acme.corpID, 10),
			map[string]any{"name": "acme", "plan_type": "PAID", "plan_expired_at": soon.Format(time.RFC3339Nano)}, acme.adminToken).Expect(t, 200)
		time.Sleep(time.Until(soon) + 100*time.Millisecond)
		runJob(t, a, "plan-expiry")

		want := []string{"user.created", "video.created", "video.ready", "video.failed", "view.first", "video.deleted", "video.restored", "user.deleted", "corporation.plan_changed"}
		evs := r.Await(90*time.Second, "every event type", func(evs []apptest.Received) bool {
			for _, typ := range want {
				if len(apptest.OfType(evs, typ)) == 0 {
					return false
				}
			}
			return len(apptest.OfType(evs, "video.created")) == 3 && len(apptest.OfType(evs, "corporation.plan_changed")) == 2
		})
		if n := len(evs); n != 12 {
			t.Fatalf("%d events, want 12: %+v", n, evs)
		}
		for _, e := range evs {
			if e.Header.Get("webhook-id") != e.ID || !strings.HasPrefix(e.ID, "msg_") || time.Since(e.Timestamp) > 5*time.Minute {
				t.Fatalf("event %+v", e)
			}
		}
		type video struct {
			VideoID         int64    `json:"video_id"`
			CorporationID   int64    `json:"corporation_id"`
			Name            string   `json:"name"`
			SourceKind      string   `json:"source_kind"`
			Visibility      string   `json:"visibility"`
			DurationSeconds *float64 `json:"duration_seconds"`
			Width           *int     `json:"width"`
			Error           string   `json:"error"`
		}
		byVideo := map[int64]string{}
		for _, e := range apptest.OfType(evs, "video.created") {
			var v video
			if err := json.Unmarshal(e.Data, &v); err != nil || v.CorporationID != acme.corpID {
				t.Fatalf("video.created %s %v", e.Data, err)
			}
			byVideo[v.VideoID] = v.Name + "/" + v.SourceKind + "/" + v.Visibility
		}
		if byVideo[ready] != "Sample/upload/private" || byVideo[junk] != "Junk/upload/private" || byVideo[remote.ID] != "Remote/url/public" {
			t.Fatalf("video.created %v", byVideo)
		}
		var v video
		if err := apptest.DataOf(evs, "video.ready", &v); err != nil || v.VideoID != ready || v.DurationSeconds == nil || *v.DurationSeconds < 1 || v.Width == nil {
			t.Fatalf("video.ready %+v %v", v, err)
		}
		if err := apptest.DataOf(evs, "video.failed", &v); err != nil || v.VideoID != junk || v.Error == "" {
			t.Fatalf("video.failed %+v %v", v, err)
		}
		for _, typ := range []string{"video.deleted", "video.restored"} {
			if err := apptest.DataOf(evs, typ, &v); err != nil || v.VideoID != remote.ID || v.CorporationID != acme.corpID {
				t.Fatalf("%s %+v %v", typ, v, err)
			}
		}
		var view struct {
			UserID             int64 `json:"user_id"`
			VideoID            int64 `json:"video_id"`
			CorporationID      int64 `json:"corporation_id"`
			VideoCorporationID int64 `json:"video_corporation_id"`
			Points             int64 `json:"points"`
		}
		if err := apptest.DataOf(evs, "view.first", &view); err != nil || view.UserID != acme.guestID || view.VideoID != ready ||
			view.Points != 10 || view.CorporationID != acme.corpID || view.VideoCorporationID != acme.corpID {
			t.Fatalf("view.first %+v %v", view, err)
		}
		var u struct {
			UserID int64  `json:"user_id"`
			Email  string `json:"email"`
			Role   string `json:"role"`
		}
		if err := apptest.DataOf(evs, "user.created", &u); err != nil || u.UserID != user.ID || u.Email != "new@acme.example" || u.Role != "guest" {
			t.Fatalf("user.created %+v %v", u, err)
		}
		if err := apptest.DataOf(evs, "user.deleted", &u); err != nil || u.UserID != user.ID {
			t.Fatalf("user.deleted %+v %v", u, err)
		}
		var reasons []string
		for _, e := range apptest.OfType(evs, "corporation.plan_changed") {
			var p struct {
				CorporationID    int64      `json:"corporation_id"`
				PlanType         string     `json:"plan_type"`
				PreviousPlanType string     `json:"previous_plan_type"`
				EffectivePlan    string     `json:"effective_plan"`
				Reason           string     `json:"reason"`
				PlanExpiredAt    *time.Time `json:"plan_expired_at"`
			}
			if err := json.Unmarshal(e.Data, &p); err != nil || p.CorporationID != acme.corpID || p.PlanExpiredAt == nil || !p.PlanExpiredAt.Equal(soon) {
				t.Fatalf("plan change %s: %v", e.Data, err)
			}
			reasons = append(reasons, p.Reason+":"+p.PreviousPlanType+">"+p.PlanType+"="+p.EffectivePlan)
		}
		slices.Sort(reasons)
		if strings.Join(reasons, " ") != "expired:PAID>FREE=FREE updated:PAID>PAID=PAID" {
			t.Fatalf("plan changes %v", reasons)
		}
	})
}

// runJob runs one of the application's periodic jobs now.
func runJob(t *testing.T, a *apptest.App, name string) {
	t.Helper()
	for _, j := range a.Jobs {
		if j.Name == name {
			if err := j.Run(t.Context()); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return
		}
	}
	t.Fatalf("no periodic job %q", name)
}

// A receiver that is down for a while gets every event once it is back: each event id
// arrives (duplicates allowed), none is lost, and the deliveries list tells the story.
func TestWebhookReceiverDownThenBack(t *testing.T) {
	apptest.Each(t, webhooksEnv, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		r := apptest.NewReceiver(t)
		w := newWebhook(t, a, acme.adminToken, r, "user.created")
		r.Stop()
		const n = 12
		var mu sync.Mutex
		users := map[int64]bool{}
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				var u struct {
					ID int64 `json:"id"`
				}
				a.Do(http.MethodPost, "/v1/users", map[string]string{"email": "u" + strconv.Itoa(i) + "@acme.example", "password": "another good password", "role": "guest"}, acme.adminToken).Expect(t, 201).JSON(t, &u)
				mu.Lock()
				users[u.ID] = true
				mu.Unlock()
			})
		}
		wg.Wait()
		ds := awaitDeliveries(t, a, acme.adminToken, w.ID, 60*time.Second, "all failed once", func(ds []deliveryBody) bool {
			if len(ds) != n {
				return false
			}
			for _, d := range ds {
				if d.Attempt < 1 {
					return false
				}
			}
			return true
		})
		ids := map[string]bool{}
		for _, d := range ds {
			if d.Status != "pending" || d.Error == nil || *d.Error != "connection refused" || d.HTTPStatus != nil || d.NextAttemptAt == nil {
				t.Fatalf("delivery while the receiver is down: %+v", d)
			}
			ids[d.EventID] = true
		}
		if len(r.All()) != 0 {
			t.Fatal("a stopped receiver received events")
		}
		r.Start()
		evs := r.Await(90*time.Second, "every event after the receiver came back", func(evs []apptest.Received) bool { return len(evs) >= n })
		if len(evs) != n {
			t.Fatalf("%d distinct events, want %d", len(evs), n)
		}
		for _, e := range evs {
			var u struct {
				UserID int64 `json:"user_id"`
			}
			if err := json.Unmarshal(e.Data, &u); err != nil || !ids[e.ID] || !users[u.UserID] {
				t.Fatalf("event %s (user %d) is not one of the recorded deliveries", e.ID, u.UserID)
			}
			delete(users, u.UserID)
		}
		awaitDeliveries(t, a, acme.adminToken, w.ID, 30*time.Second, "all succeeded", func(ds []deliveryBody) bool {
			for _, d := range ds {
				if d.Status != "succeeded" || d.Attempt < 2 || len(d.Attempts) != d.Attempt {
					return false
				}
			}
			return true
		})
	})
}

// 1000 first views of distinct (user, video) pairs give 1000 view.first events, each
// with its user, video and points.
func TestWebhookThousandFirstViews(t *testing.T) {
	apptest.Each(t, webhooksEnv, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		r := apptest.NewReceiver(t)
		newWebhook(t, a, acme.adminToken, r, "view.first")
		const users, videos = 20, 50
		tokens := make([]string, users)
		userIDs := make([]int64, users)
		var wg sync.WaitGroup
		for i := range users {
			wg.Go(func() {
				email := "viewer" + strconv.Itoa(i) + "@acme.example"
				var u struct {
					ID int64 `json:"id"`
				}
				a.Do(http.MethodPost, "/v1/users", map[string]string{"email": email, "password": "another good password", "role": "guest"}, acme.adminToken).Expect(t, 201).JSON(t, &u)
				userIDs[i], tokens[i] = u.ID, videoLogin(t, a, email, "another good password")
			})
		}
		wg.Wait()
		videoIDs := make([]int64, videos)
		for i := range videos {
			var v struct {
				ID int64 `json:"id"`
			}
			a.Do(http.MethodPost, "/v1/videos", map[string]string{"name": "v" + strconv.Itoa(i), "file_path": "https://media.example.com/" + strconv.Itoa(i) + ".mp4"}, acme.adminToken).Expect(t, 201).JSON(t, &v)
			videoIDs[i] = v.ID
		}
		type pair struct{ user, video int64 }
		want := map[pair]bool{}
		work := make(chan [2]int)
		for range 8 {
			wg.Go(func() {
				for p := range work {
					a.Do(http.MethodPost, "/v1/view-logs", map[string]int64{"video_id": videoIDs[p[1]]}, tokens[p[0]]).Expect(t, 201)
				}
			})
		}
		for u := range users {
			for v := range videos {
				want[pair{userIDs[u], videoIDs[v]}] = true
				work <- [2]int{u, v}
			}
		}
		close(work)
		wg.Wait()
		evs := r.Await(180*time.Second, "1000 view.first events", func(evs []apptest.Received) bool { return len(evs) >= users*videos })
		if len(evs) != users*videos {
			t.Fatalf("%d distinct events, want %d", len(evs), users*videos)
		}
		for _, e := range evs {
			var d struct {
				UserID        int64 `json:"user_id"`
				VideoID       int64 `json:"video_id"`
				CorporationID int64 `json:"corporation_id"`
				Points        int64 `json:"points"`
			}
			if err := json.Unmarshal(e.Data, &d); err != nil || e.Type != "view.first" || d.Points != 10 || d.CorporationID != acme.corpID {
				t.Fatalf("event %s %s: %v", e.Type, e.Data, err)
			}
			p := pair{d.UserID, d.VideoID}
			if !want[p] {
				t.Fatalf("view.first for %+v: not a view made, or twice", p)
			}
			delete(want, p)
		}
		if len(want) != 0 {
			t.Fatalf("%d views without their event", len(want))
		}
	})
}
