// Package media is the media module: it learns what a stored video is (ffprobe: duration,
// size, codecs, bitrate), derives its poster and its HLS renditions (ffmpeg), and keeps
// the processing status, in background jobs. It is its own module rather than part of video because it owns its
// own table, tools and jobs, and grows with the renditions; the video module keeps the
// routes and their access rules and asks this module for the facts through a port.
package media

import (
	"context"
	"log/slog"

	"go.uber.org/fx"

	"vms/modules/media/adapters/ffmpeg"
	"vms/modules/media/adapters/gormrepo"
	"vms/modules/media/adapters/worker"
	"vms/modules/media/ports"
	"vms/modules/media/service"
	"vms/modules/video/videoevents"
	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/events"
	"vms/platform/jobs"
)

// Module provides the media service. It needs ports.Files (the video storage) and
// ports.Usage (the usage module).
var Module = fx.Module("media",
	fx.Provide(
		fx.Private,
		fx.Annotate(gormrepo.New, fx.As(new(ports.Repository))),
		func(i *jobs.Inserter) ports.Queue { return worker.NewQueue(i) },
		func(db *database.DB) ports.UnitOfWork { return db },
		worker.NewWorker,
		func(s *service.Service) worker.Processor { return s },
	),
	fx.Provide(
		NewService,
		fx.Annotate(func(w *worker.Worker) jobs.Registration { return worker.Register(w) }, fx.ResultTags(`group:"workers"`)),
		fx.Annotate(storedHandler, fx.ResultTags(`group:"event_handlers"`)),
	),
)

// ServiceParams are the service's dependencies as the fx graph provides them.
type ServiceParams struct {
	fx.In
	Config config.Config
	Log    *slog.Logger
	Repo   ports.Repository
	Files  ports.Files
	Queue  ports.Queue
	UoW    ports.UnitOfWork
	Usage  ports.Usage
	Events events.Publisher
}

// NewService finds the media tools as MEDIA_PROCESSING says and builds the service:
// "off" never processes; "auto" processes when ffprobe and ffmpeg run, and otherwise
// warns once and leaves uploads ready with empty media; "required" refuses to start
// without them.
func NewService(p ServiceParams) (*service.Service, error) {
	tools, err := FindTools(p.Config)
	if err != nil {
		return nil, err
	}
	d := service.Deps{Repo: p.Repo, Files: p.Files, Queue: p.Queue, UoW: p.UoW, Log: p.Log, Ladder: p.Config.HLSLadder, Usage: p.Usage, Publisher: p.Events}
	switch {
	case tools != nil:
		d.Tools = tools
		p.Log.Info("media processing on", "ffprobe", tools.FFprobe, "ffmpeg", tools.FFmpeg, "hls_ladder", p.Config.HLSLadder)
	case p.Config.MediaProcessing == "auto":
		p.Log.Warn("media processing off: ffprobe/ffmpeg not found (install ffmpeg, or set FFPROBE_PATH and FFMPEG_PATH); uploads are ready without duration or poster")
	}
	return service.New(d), nil
}

// FindTools returns the tools to use, or nil when processing is off. With
// MEDIA_PROCESSING=required a missing tool is an error naming the setting.
func FindTools(cfg config.Config) (*ffmpeg.Tools, error) {
	if cfg.MediaProcessing == "off" {
		return nil, nil
	}
	t, err := ffmpeg.Find(cfg.FFprobePath, cfg.FFmpegPath)
	if err != nil {
		if cfg.MediaProcessing == "required" {
			return nil, &config.SettingError{Name: "MEDIA_PROCESSING", Value: "required", Reason: err.Error()}
		}
		return nil, nil //nolint:nilnil // auto without tools: processing is off
	}
	return &t, nil
}

// storedHandler starts the media of a newly stored upload in the upload's unit of work.
func storedHandler(s *service.Service) events.Handler {
	return events.HandlerFunc(func(ctx context.Context, e videoevents.VideoStored) error {
		return s.Track(ctx, e.VideoID, e.StorageKey)
	})
}
