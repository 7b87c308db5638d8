package main

import (
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"vms/app/apptest"
	"vms/platform/database/dbtest"
)

// A change committed by a server that is killed right after the commit is still
// delivered: the outbox row and its job were written in the change's transaction, so the
// next server on the same database sends the event. The receiver is down while the first
// server lives, so nothing can have been delivered before the kill.
func TestWebhookCommittedBeforeAKillIsDelivered(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, dataDir, dbURL string) {
		settings := map[string]string{
			"DATA_DIR": dataDir, "DATABASE_URL": dbURL, "HTTP_ADDR": "127.0.0.1:0", "JWT_SECRET": resilienceSecret,
			"MEDIA_PROCESSING": "off", "ALLOW_PRIVATE_WEBHOOKS": "true",
			// An attempt may have started when the process died: it is rescued after this.
			"JOB_TIMEOUT": "16s", "JOB_RESCUE_AFTER": "20s",
		}
		r := apptest.NewReceiver(t)
		r.Stop()
		a := startServer(t, settings)
		token := apiOf(a).signUp(t, "acme")
		var w struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		apiOf(a).json(t, http.MethodPost, "/v1/webhooks", token, map[string]any{"url": r.URL(), "events": []string{"user.created"}}, http.StatusCreated, &w)
		r.SetSecret(w.Secret)

		var u struct {
			ID int64 `json:"id"`
		}
		apiOf(a).json(t, http.MethodPost, "/v1/users", token, map[string]string{"email": "new@acme.example", "password": "another good password", "role": "guest"}, http.StatusCreated, &u)
		// The 201 came after the commit: kill the process at once, as a crash would.
		if err := a.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-a.done: // killed: the exit status says so and is not checked
			_ = err
		case <-time.After(30 * time.Second):
			t.Fatal("the killed server did not exit")
		}

		db := openDatabase(t, dbURL)
		var rows []struct {
			EventID string
			Status  string
		}
		if err := db.Gorm.Raw("SELECT event_id, status FROM webhook_deliveries WHERE event_type = 'user.created'").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Status != "pending" {
			t.Fatalf("the outbox after the kill: %+v, want one pending delivery", rows)
		}
		if n := len(r.All()); n != 0 {
			t.Fatalf("the receiver got %d requests while down", n)
		}

		r.Start()
		b := startServer(t, settings)
		evs := r.Await(120*time.Second, "the event committed before the kill", func(evs []apptest.Received) bool { return len(evs) == 1 })
		var data struct {
			UserID int64 `json:"user_id"`
		}
		if err := apptest.DataOf(evs, "user.created", &data); err != nil || evs[0].ID != rows[0].EventID || data.UserID != u.ID {
			t.Fatalf("received %+v (user %d, %v), want event %s of user %d; the server's log:\n%s", evs, data.UserID, err, rows[0].EventID, u.ID, b.jobLog())
		}
		var ds []struct {
			Status  string `json:"status"`
			EventID string `json:"event_id"`
		}
		waitUntil(t, 30*time.Second, "the delivery is not recorded succeeded", func() bool {
			apiOf(b).json(t, http.MethodGet, "/v1/webhooks/"+strconv.FormatInt(w.ID, 10)+"/deliveries", token, nil, http.StatusOK, &ds)
			return len(ds) == 1 && ds[0].Status == "succeeded"
		})
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		run(t, dir, "sqlite://"+filepath.Join(dir, "vms.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		run(t, t.TempDir(), dbtest.PostgresURL(t))
	})
}
