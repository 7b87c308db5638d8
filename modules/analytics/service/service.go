// Package service holds the analytics use cases: taking in what stream responses served,
// flushing it as watches (Service), and reporting a video's figures (Reports).
package service

import (
	"io"
	"log/slog"
	"sync"
	"time"

	"vms/modules/analytics/domain"
	"vms/modules/analytics/ports"
)

// Deps are the ports the use cases run against.
type Deps struct {
	Repo  ports.Repository
	Media ports.Media
	UoW   ports.UnitOfWork
	Clock ports.Clock
	Log   *slog.Logger
	// Index reads the sample index of an MP4 or QuickTime file; domain.ErrUnsupported
	// for any other.
	Index func(io.ReadSeeker) (domain.Index, error)
}

// Settings are the configuration values the use cases need.
type Settings struct {
	// Off stops taking in deliveries (ANALYTICS=off); reports still answer.
	Off bool
	// FlushInterval is how often Run flushes (ANALYTICS_FLUSH_INTERVAL).
	FlushInterval time.Duration
}

// Service takes in what responses served and flushes it as watches.
type Service struct {
	Deps
	cfg     Settings
	tracker *tracker
	maps    *maps
	flushMu sync.Mutex
	stats   stats
}

// New builds the service.
func New(d Deps, cfg Settings) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = DefaultFlushInterval
	}
	return &Service{Deps: d, cfg: cfg, tracker: newTracker(), maps: newMaps(d)}
}

// DefaultFlushInterval is how often served spans are flushed by default.
const DefaultFlushInterval = 10 * time.Second

// Served takes in one response's spans (the hot path: memory only, no I/O). Responses of
// callers that are not users, and kinds that carry no media time, are ignored.
func (s *Service) Served(d domain.Served) {
	if s.cfg.Off || d.UserID == 0 || d.VideoID == 0 || len(d.Spans) == 0 {
		return
	}
	if d.Kind != domain.ServedOriginal && d.Kind != domain.ServedSegment {
		return
	}
	s.tracker.record(d)
}
