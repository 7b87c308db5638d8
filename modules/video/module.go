// Package video is the video module: uploads and source URLs, listing, soft delete and
// restore, streaming with ranges, and first-view logs that credit points.
package video

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"go.uber.org/fx"

	"vms/modules/video/adapters/gormrepo"
	"vms/modules/video/adapters/httpapi"
	"vms/modules/video/adapters/localstore"
	"vms/modules/video/adapters/s3store"
	"vms/modules/video/adapters/source"
	"vms/modules/video/ports"
	"vms/modules/video/service"
	"vms/platform/clock"
	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/events"
	"vms/platform/httpserver"
)

// Module provides the video routes, the storage readiness check and the handler that
// removes a deleted corporation's videos. It needs ports.CorporationPlans, ports.Users
// and ports.PlaybackTokens from the corporation, user and auth modules, ports.Media
// from the media module, and ports.Quota and ports.Deliveries (what streams wrote, for
// usage metering and watch analytics) from app/wiring.
var Module = fx.Module("video",
	fx.Provide(
		fx.Private,
		NewSources,
		fx.Annotate(gormrepo.NewVideos, fx.As(new(ports.Videos))),
		fx.Annotate(gormrepo.NewViewLogs, fx.As(new(ports.ViewLogs))),
		func(db *database.DB) ports.UnitOfWork { return db },
		func() ports.Clock { return clock.System{} },
		func(c ports.Clock) *service.LiveCache { return service.NewLiveCache(c, service.DefaultLiveTTL, 10_000) },
		func(c ports.Clock) *service.HLSKeys { return service.NewHLSKeys(c, service.DefaultHLSKeysTTL, 100_000) },
		NewService,
	),
	fx.Provide(
		// The storage also keeps the media module's derived files (bound in app/wiring).
		provideStorage,
		// Registering finished resumable uploads serves the upload module (bound in app/wiring).
		func(s *service.Service) service.Stored { return s.Stored() },
		// Who owns a video serves the analytics module (bound in app/wiring).
		func(s *service.Service) service.Owners { return s.Owners() },
		fx.Annotate(httpapi.New, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		fx.Annotate(storageCheck, fx.ResultTags(`group:"checks"`)),
		fx.Annotate(service.NewCorporationCleanup, fx.ResultTags(`group:"event_handlers"`)),
		// Who owns a video serves the webhook module (bound in app/wiring).
		func(v ports.Videos) *service.VideoCorporations { return &service.VideoCorporations{Videos: v} },
	),
)

// NewStorage opens the storage STORAGE_URL names: file://DIR for a local folder or
// s3://BUCKET?… for S3-compatible object storage.
func NewStorage(cfg config.Config) (ports.Storage, error) {
	u, err := url.Parse(cfg.StorageURL)
	if err != nil {
		return nil, fmt.Errorf("STORAGE_URL: %w", err)
	}
	switch u.Scheme {
	case "file":
		return localstore.New(u.Host + u.Path)
	case "s3":
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return s3store.New(ctx, cfg.StorageURL)
	default:
		return nil, fmt.Errorf("STORAGE_URL must be file://PATH or s3://BUCKET, not %q", u.Scheme)
	}
}

// NewSources builds the fetcher of registered source URLs.
func NewSources(cfg config.Config) ports.Sources {
	return source.NewFetcher(cfg.AllowPrivateSources)
}

// ServiceParams are the service's dependencies as the fx graph provides them.
type ServiceParams struct {
	fx.In
	Config    config.Config
	Videos    ports.Videos
	ViewLogs  ports.ViewLogs
	Storage   ports.Storage
	Sources   ports.Sources
	Plans     ports.CorporationPlans
	Users     ports.Users
	Tokens    ports.PlaybackTokens
	Media     ports.Media
	UoW       ports.UnitOfWork
	Publisher events.Publisher
	Clock     ports.Clock
	Live      *service.LiveCache
	HLSKeys   *service.HLSKeys
	// From app/wiring: storage quotas (usage module), and who hears what stream
	// responses wrote (usage metering, watch analytics).
	Quota      ports.Quota
	Deliveries ports.Deliveries
}

// NewService builds the use cases over the ports.
func NewService(p ServiceParams) *service.Service {
	return service.New(service.Deps{
		Videos: p.Videos, ViewLogs: p.ViewLogs, Storage: p.Storage, Sources: p.Sources,
		Plans: p.Plans, Users: p.Users, Tokens: p.Tokens, Media: p.Media, UoW: p.UoW, Publisher: p.Publisher, Clock: p.Clock, Live: p.Live, HLSKeys: p.HLSKeys,
		Quota: p.Quota, Deliveries: p.Deliveries,
	}, service.Settings{
		PointsPerView:   p.Config.PointsPerView,
		MaxUploadBytes:  p.Config.MaxUploadBytes,
		RedirectStreams: strings.EqualFold(p.Config.StreamMode, "redirect"),
	})
}

// provideStorage opens the storage and closes it when the application stops.
func provideStorage(lc fx.Lifecycle, cfg config.Config) (ports.Storage, error) {
	s, err := NewStorage(cfg)
	if err != nil {
		return nil, err
	}
	if c, ok := s.(io.Closer); ok {
		lc.Append(fx.StopHook(c.Close))
	}
	return s, nil
}

func storageCheck(s ports.Storage) httpserver.Check {
	return httpserver.CheckFunc("storage", s.Ready)
}
