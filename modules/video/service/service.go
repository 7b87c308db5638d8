// Package service holds the video module's use cases: registering and uploading videos,
// listing, changing, deleting and restoring them, streaming and recording first views.
package service

import (
	"vms/modules/video/ports"
	"vms/platform/events"
)

// Settings are the configuration values the use cases need.
type Settings struct {
	PointsPerView  int64
	MaxUploadBytes int64
	// RedirectStreams answers streams of stored uploads with a presigned storage URL
	// when the storage can presign; the URL lives as domain.PresignTTL says.
	RedirectStreams bool
}

// Deps are the ports the use cases run against.
type Deps struct {
	Videos    ports.Videos
	ViewLogs  ports.ViewLogs
	Storage   ports.Storage
	Sources   ports.Sources
	Plans     ports.CorporationPlans
	Users     ports.Users
	Tokens    ports.PlaybackTokens
	UoW       ports.UnitOfWork
	Publisher events.Publisher
	Clock     ports.Clock
	// Media reads the media facts of videos; nil means none are known.
	Media ports.Media
	// HLSKeys caches the storage keys of HLS files; nil disables it.
	HLSKeys *HLSKeys
	// Live caches live videos for stream and view requests; nil disables it.
	Live *LiveCache
	// Deliveries learns what stream responses wrote; nil reports nothing.
	Deliveries ports.Deliveries
	// Quota holds storage for multipart uploads; nil means no quotas.
	Quota ports.Quota
}

// Service holds the video module's use cases.
type Service struct {
	Deps
	cfg  Settings
	seen *seenViews
}

// seenViewsLimit bounds the remembered (user, video) pairs: about 12 MiB at most.
const seenViewsLimit = 100_000

// New builds the service.
func New(d Deps, cfg Settings) *Service {
	return &Service{Deps: d, cfg: cfg, seen: newSeenViews(seenViewsLimit)}
}

// MaxUploadBytes is the largest upload accepted.
func (s *Service) MaxUploadBytes() int64 { return s.cfg.MaxUploadBytes }
