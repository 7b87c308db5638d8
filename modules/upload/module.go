// Package upload is the upload module: resumable uploads (tus 1.0) under /v1/uploads
// whose finished files become videos through the video module, and the periodic job that
// deletes expired unfinished uploads.
package upload

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"
	"go.uber.org/fx"

	"vms/modules/upload/adapters/gormrepo"
	"vms/modules/upload/adapters/httpapi"
	"vms/modules/upload/adapters/pglock"
	"vms/modules/upload/adapters/tusd"
	"vms/modules/upload/ports"
	"vms/modules/upload/service"
	"vms/platform/clock"
	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/httpserver"
	"vms/platform/s3client"
	"vms/platform/scheduler"
)

// PurgeJobName is the name of the job deleting expired uploads.
const PurgeJobName = "upload-expiry"

// PurgeInterval is how often expired uploads are looked for.
const PurgeInterval = 5 * time.Minute

// Module provides the upload routes and the purge job. It needs ports.Videos from the
// video module and ports.Quota from the usage module (bound in app/wiring).
var Module = fx.Module("upload",
	fx.Provide(
		fx.Private,
		fx.Annotate(gormrepo.NewUploads, fx.As(new(ports.Uploads)), fx.As(new(ports.MultipartStates))),
		NewLocker,
		NewStore,
		func(s *tusd.Store) ports.Parts { return s },
		NewService,
		NewTus,
	),
	fx.Provide(
		fx.Annotate(NewRoutes, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		fx.Annotate(NewPurgeJob, fx.ResultTags(`group:"periodic"`)),
	),
)

// NewLocker is the lock per upload. On PostgreSQL it is an advisory lock that every
// replica on the database takes, so replicas share uploads. Its connections come from a
// pool of its own (DB_MAX_OPEN_CONNS for held locks, one for the listener): requests
// holding locks from the application's pool could take every connection their own
// queries wait for. SQLite is one process by design: a lock in memory is enough there.
func NewLocker(lc fx.Lifecycle, cfg config.Config, db *database.DB, log *slog.Logger) (handler.Locker, error) {
	if db.Dialect != database.Postgres {
		return memorylocker.New(), nil
	}
	pool, err := pglock.OpenPool(cfg.DatabaseURL, cfg.DBMaxOpenConns+1)
	if err != nil {
		return nil, err
	}
	l := pglock.New(pool, pglock.Options{Log: log})
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			if err := l.Start(ctx); err != nil {
				return errors.Join(err, pool.Close())
			}
			return nil
		},
		OnStop: func(ctx context.Context) error { return errors.Join(l.Stop(ctx), pool.Close()) },
	})
	return l, nil
}

// NewStore keeps upload parts where the video storage is: with STORAGE_URL=s3://… in
// its bucket (multipart uploads completed in place, tusd's objects under
// <prefix>uploads/), else in the folder DATA_DIR/uploads.
func NewStore(cfg config.Config, states ports.MultipartStates, locker handler.Locker) (*tusd.Store, error) {
	if !s3client.IsS3(cfg.StorageURL) {
		return tusd.NewStore(filepath.Join(cfg.DataDir, "uploads"), locker)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, s, err := s3client.Open(ctx, cfg.StorageURL)
	if err != nil {
		return nil, fmt.Errorf("upload parts: %w", err)
	}
	return tusd.NewS3Store(client, s.Bucket, s.Prefix, states, locker), nil
}

// NewService builds the use cases.
func NewService(cfg config.Config, uploads ports.Uploads, parts ports.Parts, videos ports.Videos, quota ports.Quota) *service.Service {
	return service.New(service.Deps{Uploads: uploads, Parts: parts, Videos: videos, Quota: quota, Clock: clock.System{}},
		service.Settings{MaxUploadBytes: cfg.MaxUploadBytes, Expiry: cfg.UploadExpiry})
}

// NewTus builds the tusd handler.
func NewTus(cfg config.Config, store *tusd.Store, svc *service.Service) (*handler.UnroutedHandler, error) {
	h, err := tusd.NewHandler(store, svc, tusd.Options{MaxSize: cfg.MaxUploadBytes, CORSOrigins: cfg.CORSOrigins})
	if err != nil {
		return nil, fmt.Errorf("tus handler: %w", err)
	}
	return h, nil
}

// NewRoutes builds the HTTP adapter.
func NewRoutes(svc *service.Service, tus *handler.UnroutedHandler, store *tusd.Store, guard *httpserver.Guard, cors *httpserver.CORS) *httpapi.Handler {
	return httpapi.New(svc, tus, store, guard, cors)
}

// PurgeJob deletes expired unfinished uploads, parts and rows.
type PurgeJob struct {
	svc *service.Service
	log *slog.Logger
}

// Run runs one purge.
func (j PurgeJob) Run(ctx context.Context) error {
	n, err := j.svc.PurgeExpired(ctx)
	if n > 0 {
		j.log.InfoContext(ctx, "expired uploads deleted", "job", PurgeJobName, "count", n)
	}
	if err != nil {
		return fmt.Errorf("upload expiry: %w", err)
	}
	return nil
}

// NewPurgeJob is the scheduler job running the purge every PurgeInterval.
func NewPurgeJob(svc *service.Service, log *slog.Logger) scheduler.Job {
	j := PurgeJob{svc: svc, log: log}
	return scheduler.Job{Name: PurgeJobName, Interval: PurgeInterval, Run: j.Run}
}
