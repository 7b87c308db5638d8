package service_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"vms/modules/media/adapters/gormrepo"
	"vms/modules/media/adapters/worker"
	"vms/modules/media/domain"
	"vms/modules/media/fake"
	"vms/modules/media/ports"
	"vms/modules/media/service"
	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/jobs"
)

// errStorage is the transient storage failure every Put meets.
var errStorage = errors.New("storage unavailable: connection refused")

// brokenFiles is a storage that reads but never stores. Its second Put waits for release,
// so the test can look at the media between the first attempt and the last.
type brokenFiles struct {
	mu      sync.Mutex
	puts    int
	put     chan int      // the number of each Put, as it is called
	release chan struct{} // closed to let the second Put fail
}

var _ ports.Files = (*brokenFiles)(nil)

type readSeekNopCloser struct{ *bytes.Reader }

func (readSeekNopCloser) Close() error { return nil }

func (f *brokenFiles) Open(context.Context, string) (io.ReadSeekCloser, error) {
	return readSeekNopCloser{bytes.NewReader([]byte("an original"))}, nil
}

func (f *brokenFiles) Put(ctx context.Context, r io.Reader, _ string) (string, error) {
	_, _ = io.Copy(io.Discard, r)
	f.mu.Lock()
	f.puts++
	n := f.puts
	f.mu.Unlock()
	f.put <- n
	if n == 2 {
		select {
		case <-f.release:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	return "", errStorage
}

func (f *brokenFiles) Delete(context.Context, string) error { return nil }

func (f *brokenFiles) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.puts
}

// readableTools reads every file as a short video with a picture.
type readableTools struct{}

func (readableTools) Probe(context.Context, ports.Input) (domain.Probe, error) {
	return domain.Probe{DurationSeconds: 2, Width: 320, Height: 240, VideoCodec: "h264", AudioCodec: "aac", Bitrate: 350000}, nil
}

func (readableTools) Poster(context.Context, ports.Input, float64, int) ([]byte, error) {
	return []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9}, nil
}

func (readableTools) Transcode(_ context.Context, _ ports.Input, plan domain.TranscodePlan, use func(fs.FS) error) error {
	return use(fake.HLS(plan))
}

// eachDatabase runs fn on SQLite and on PostgreSQL (skipped without TEST_DATABASE_URL,
// as dbtest does), with the URL the job listener needs on PostgreSQL.
func eachDatabase(t *testing.T, fn func(t *testing.T, db *database.DB, url string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, dbtest.SQLite(t), "") })
	t.Run("postgres", func(t *testing.T) {
		url := dbtest.PostgresURL(t)
		db, err := database.Open(url, database.Options{MaxOpenConns: 10, MaxIdleConns: 5})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		if err := db.MigrateUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		fn(t, db, url)
	})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s: %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func nextPut(t *testing.T, f *brokenFiles, want int) {
	t.Helper()
	select {
	case n := <-f.put:
		if n != want {
			t.Fatalf("Put call %d, want %d", n, want)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("Put call %d never came: the job was not (re)tried", want)
	}
}

// A processing job whose storage keeps failing is retried, and after its last attempt
// the media ends failed, saying so, and River discards the job.
func TestProcessingThatKeepsFailingEndsFailed(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db *database.DB, url string) {
		ctx := context.Background()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		corp := dbtest.SeedCorporation(t, db, "acme", "FREE")
		var videoID int64
		if err := db.Gorm.Raw("INSERT INTO videos (name, corporation_id, source_kind, storage_key) VALUES ('clip', ?, 'upload', 'originals/clip.mp4') RETURNING id", corp).Scan(&videoID).Error; err != nil || videoID == 0 {
			t.Fatalf("insert video: id %d, %v", videoID, err)
		}
		repo := gormrepo.New(db)
		if err := repo.Begin(ctx, videoID, "originals/clip.mp4", domain.Processing); err != nil {
			t.Fatal(err)
		}

		ins, err := jobs.NewInserter(db)
		if err != nil {
			t.Fatal(err)
		}
		files := &brokenFiles{put: make(chan int, 4), release: make(chan struct{})}
		var releaseOnce sync.Once
		release := func() { releaseOnce.Do(func() { close(files.release) }) }
		t.Cleanup(release)
		svc := service.New(service.Deps{Repo: repo, Files: files, Tools: readableTools{}, Queue: worker.NewQueue(ins), UoW: db, Log: log})
		metrics, err := jobs.NewMetrics(prometheus.NewRegistry(), db, log)
		if err != nil {
			t.Fatal(err)
		}
		settings := jobs.Settings{Workers: 2, Timeout: 30 * time.Second, RescueAfter: time.Minute, PollInterval: 50 * time.Millisecond}
		j, err := jobs.New(db, url, settings, log, metrics, []jobs.Registration{worker.Register(worker.NewWorker(svc))})
		if err != nil {
			t.Fatal(err)
		}
		if err := j.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			release()
			stopCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if err := j.Stop(stopCtx); err != nil {
				t.Errorf("stop jobs: %v", err)
			}
		})

		if err := ins.Insert(ctx, worker.ProcessArgs{VideoID: videoID}, &river.InsertOpts{MaxAttempts: 2}); err != nil {
			t.Fatal(err)
		}

		// The first attempt fails; River retries it (about a second later).
		nextPut(t, files, 1)
		nextPut(t, files, 2)
		// The second and last attempt is under way: the first gave nothing up.
		m, ok, err := repo.Get(ctx, videoID)
		if err != nil || !ok {
			t.Fatalf("media: %v %v", ok, err)
		}
		if m.Status != domain.Processing || m.Error != "" {
			t.Fatalf("between the attempts media = %s %q, want processing without an error: the first failed attempt gave up", m.Status, m.Error)
		}
		if n := dbtest.QueryInt(t, db, "SELECT attempt FROM river_job WHERE kind = 'media_process' AND state = 'running'"); n != 2 {
			t.Fatalf("running job at attempt %d, want 2", n)
		}
		release()

		// River records the outcome just after Work returns, and Work gives the media up
		// before it returns.
		waitFor(t, "the job was not discarded after its second attempt", func() bool {
			return dbtest.QueryInt(t, db, "SELECT COUNT(*) FROM river_job WHERE kind = 'media_process' AND state = 'discarded' AND attempt = 2") == 1
		})
		m, _, err = repo.Get(ctx, videoID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != domain.Failed {
			t.Fatalf("media = %s %q after the last attempt, want failed", m.Status, m.Error)
		}
		if !strings.HasPrefix(m.Error, "processing failed after its last attempt: ") || !strings.Contains(m.Error, errStorage.Error()) {
			t.Fatalf("media error %q, want it to say processing failed after its last attempt, with the storage failure", m.Error)
		}
		if m.DurationSeconds != 0 || m.PosterKey != "" {
			t.Fatalf("failed media kept facts: %+v", m)
		}
		if n := dbtest.QueryInt(t, db, "SELECT COUNT(*) FROM river_job"); n != 1 {
			t.Fatalf("%d jobs, want the one", n)
		}
		if n := files.count(); n != 2 {
			t.Fatalf("%d Puts, want one per attempt", n)
		}
	})
}
