package wiring

import (
	"context"
	"io"

	"go.uber.org/fx"

	"vms/modules/analytics"
	analyticsports "vms/modules/analytics/ports"
	analyticsservice "vms/modules/analytics/service"
	"vms/modules/auth"
	authports "vms/modules/auth/ports"
	authservice "vms/modules/auth/service"
	"vms/modules/corporation"
	corpports "vms/modules/corporation/ports"
	corpservice "vms/modules/corporation/service"
	"vms/modules/media"
	mediadomain "vms/modules/media/domain"
	mediaports "vms/modules/media/ports"
	mediaservice "vms/modules/media/service"
	"vms/modules/points"
	"vms/modules/upload"
	uploadports "vms/modules/upload/ports"
	"vms/modules/usage"
	usageports "vms/modules/usage/ports"
	usageservice "vms/modules/usage/service"
	"vms/modules/user"
	userdomain "vms/modules/user/domain"
	userports "vms/modules/user/ports"
	userservice "vms/modules/user/service"
	"vms/modules/video"
	videodomain "vms/modules/video/domain"
	videoports "vms/modules/video/ports"
	videoservice "vms/modules/video/service"
	"vms/modules/webhook"
	webhookports "vms/modules/webhook/ports"
	"vms/platform/config"
	"vms/platform/principal"
)

// Modules lists every business module of the application.
var Modules = fx.Options(
	video.Module,
	upload.Module,
	media.Module,
	points.Module,
	corporation.Module,
	user.Module,
	auth.Module,
	usage.Module,
	analytics.Module,
	webhook.Module,
)

// Bindings connects each consumer's port to the module that serves it. A supplier whose
// methods already match the port is bound as it is; where the types differ, a few-line
// adapter below translates.
var Bindings = fx.Provide(
	// corporation serves user, video and usage.
	func(s *corpservice.Service) userports.Corporations { return s },
	func(s *corpservice.Service) videoports.CorporationPlans { return s },
	func(s *corpservice.Service) usageports.Plans { return s },
	// user serves corporation, auth, video and points.
	func(s *userservice.Service) corpports.AdminAccounts { return adminAccounts{s} },
	func(a *userservice.Accounts) authports.Accounts { return accounts{a} },
	func(s *userservice.Service) videoports.Users { return s },
	func(b *userservice.Balances) points.Balances { return b },
	// auth serves video.
	func(p *authservice.Playback) videoports.PlaybackTokens { return p },
	// media serves video; video's storage serves media.
	func(s *mediaservice.Service) videoports.Media { return mediaFacts{s} },
	func(s videoports.Storage) mediaports.Files { return mediaFiles{s} },
	// video serves upload: finished resumable uploads become videos.
	func(s videoservice.Stored) uploadports.Videos { return uploadVideos{s} },
	// usage serves video, upload and media: storage quotas, the size of derived files, and
	// the metering of what stream responses wrote.
	func(s *usageservice.Service) videoports.Quota { return s },
	func(s *usageservice.Service) uploadports.Quota { return s },
	func(l *usageservice.Ledger) mediaports.Usage { return l },
	newDeliveries,
	// video and media serve analytics (analytics.go).
	func(m *mediaservice.Service, s videoports.Storage) analyticsports.Media { return analyticsMedia{m, s} },
	func(o videoservice.Owners) analyticsports.Videos { return o },
	// video serves webhook: who owns the video a media event names.
	func(o *videoservice.VideoCorporations) webhookports.Videos { return o },
)

// uploadVideos lets the upload module register finished files through the video module:
// local files it moves into the video storage, and objects the S3 parts became in the
// video storage's bucket, which stay where they are.
type uploadVideos struct{ stored videoservice.Stored }

func (u uploadVideos) Register(ctx context.Context, caller principal.Principal, name, visibility, path string,
	also func(ctx context.Context, videoID int64) error,
) (int64, error) {
	v, err := u.stored.Register(ctx, caller, name, visibility, path, func(ctx context.Context, v videodomain.Video) error {
		return also(ctx, v.ID)
	})
	return v.ID, err
}

func (u uploadVideos) RegisterObject(ctx context.Context, caller principal.Principal, name, visibility string, obj uploadports.StoredObject,
	also func(ctx context.Context, videoID int64) error,
) (int64, error) {
	stored := videoports.StoredObject{Key: obj.Key, Size: obj.Size, SHA256: obj.SHA256}
	v, err := u.stored.RegisterObject(ctx, caller, name, visibility, stored, func(ctx context.Context, v videodomain.Video) error {
		return also(ctx, v.ID)
	})
	return v.ID, err
}

// adminAccounts lets sign-up create its first admin through the user module.
type adminAccounts struct{ users *userservice.Service }

func (a adminAccounts) PrepareAdmin(ctx context.Context, email, password string) (corpports.PreparedAdmin, error) {
	p, err := a.users.PrepareAdmin(ctx, email, password)
	return corpports.PreparedAdmin{Email: p.Email, PasswordHash: p.PasswordHash}, err
}

func (a adminAccounts) CreateAdmin(ctx context.Context, corporationID int64, admin corpports.PreparedAdmin) error {
	return a.users.CreateAdmin(ctx, corporationID, userdomain.PreparedAdmin{Email: admin.Email, PasswordHash: admin.PasswordHash})
}

// accounts lets the auth module check passwords and liveness through the user module.
type accounts struct{ users *userservice.Accounts }

func (a accounts) VerifyPassword(ctx context.Context, email, password string) (authports.Identity, bool, error) {
	acc, ok, err := a.users.VerifyPassword(ctx, email, password)
	return identity(acc), ok, err
}

func (a accounts) Active(ctx context.Context, userID int64) (authports.Identity, bool, error) {
	acc, ok, err := a.users.Active(ctx, userID)
	return identity(acc), ok, err
}

func (a accounts) LockActive(ctx context.Context, userID int64) (authports.Identity, bool, error) {
	acc, ok, err := a.users.LockActive(ctx, userID)
	return identity(acc), ok, err
}

func identity(a userdomain.Account) authports.Identity {
	return authports.Identity{UserID: a.UserID, CorporationID: a.CorporationID, Role: string(a.Role), PasswordChangedAt: a.PasswordChangedAt}
}

// mediaFacts lets the video module read and request media facts from the media module.
type mediaFacts struct{ media *mediaservice.Service }

func (m mediaFacts) Of(ctx context.Context, ids []int64) (map[int64]videodomain.Media, error) {
	ms, err := m.media.Of(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]videodomain.Media, len(ms))
	for id, f := range ms {
		out[id] = videodomain.Media{
			Status: videodomain.MediaStatus(f.Status), Error: f.Error, DurationSeconds: f.DurationSeconds,
			Width: f.Width, Height: f.Height, VideoCodec: f.VideoCodec, AudioCodec: f.AudioCodec,
			Bitrate: f.Bitrate, HasPoster: f.PosterKey != "", Renditions: renditions(f.Renditions),
		}
	}
	return out, nil
}

func (m mediaFacts) Poster(ctx context.Context, videoID int64) (videodomain.Poster, error) {
	body, f, err := m.media.Poster(ctx, videoID)
	if err != nil {
		return videodomain.Poster{}, err
	}
	return videodomain.Poster{Body: body, ETag: `"` + f.PosterKey + `"`, ModTime: f.UpdatedAt}, nil
}

func (m mediaFacts) Reprocess(ctx context.Context, videoID int64, storageKey string) error {
	return m.media.Reprocess(ctx, videoID, storageKey)
}

func (m mediaFacts) HLSFile(ctx context.Context, videoID int64, path string) (string, error) {
	return m.media.HLSFile(ctx, videoID, path)
}

func renditions(rs []mediadomain.Rendition) []videodomain.Rendition {
	out := make([]videodomain.Rendition, 0, len(rs))
	for _, r := range rs {
		out = append(out, videodomain.Rendition{Height: r.Height, Bandwidth: r.Bandwidth})
	}
	return out
}

// mediaFiles lets the media module read originals from, and keep derived files in, the
// video storage.
type mediaFiles struct{ storage videoports.Storage }

func (f mediaFiles) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	return f.storage.Open(ctx, key)
}

func (f mediaFiles) Put(ctx context.Context, r io.Reader, contentType string) (string, error) {
	obj, err := f.storage.Put(ctx, r, videoports.PutOptions{ContentType: contentType})
	return obj.Key, err
}

func (f mediaFiles) Delete(ctx context.Context, key string) error { return f.storage.Delete(ctx, key) }

// newDeliveries lists the receivers of what each stream and HLS response wrote (the
// deliveries fan-out, analytics.go): usage metering (USAGE_METERING) and watch analytics
// (ANALYTICS).
func newDeliveries(cfg config.Config, meter *usageservice.Meter, watch *analyticsservice.Service) videoports.Deliveries {
	var ds deliveries
	if cfg.UsageMetering {
		ds = append(ds, meteredDeliveries{meter})
	}
	if cfg.Analytics == "on" {
		ds = append(ds, analyticsDeliveries{watch})
	}
	return ds
}

// meteredDeliveries charges the bytes a response wrote to the video's corporation.
type meteredDeliveries struct{ meter *usageservice.Meter }

func (m meteredDeliveries) Delivered(_ context.Context, d videodomain.Delivery) {
	m.meter.Served(d.CorporationID, d.Bytes)
}
