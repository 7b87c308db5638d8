// Package service holds the upload module's use cases: creating resumable uploads,
// finding them for their corporation, turning finished ones into videos, and purging
// expired ones.
package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"vms/modules/upload/domain"
	"vms/modules/upload/ports"
	"vms/platform/kind"
	"vms/platform/principal"
)

// Settings are the configuration values the use cases need.
type Settings struct {
	MaxUploadBytes int64
	// Expiry is how long an unfinished upload is kept.
	Expiry time.Duration
}

// Deps are the ports the use cases run against.
type Deps struct {
	Uploads ports.Uploads
	Parts   ports.Parts
	Videos  ports.Videos
	Clock   ports.Clock
	// Quota holds storage for uploads; nil means no quotas.
	Quota ports.Quota
}

// Service holds the upload use cases.
type Service struct {
	Deps
	cfg Settings
}

// New builds the service.
func New(d Deps, cfg Settings) *Service { return &Service{Deps: d, cfg: cfg} }

// MaxUploadBytes is the largest upload accepted.
func (s *Service) MaxUploadBytes() int64 { return s.cfg.MaxUploadBytes }

// Create registers a new upload of length bytes for the caller's corporation, named and
// made visible as its metadata says, and returns it with a fresh unguessable id. Only an
// admin may upload; the length must be declared and at most MaxUploadBytes, and it is
// reserved against the corporation's storage quota until the upload completes, fails or
// expires (over the quota: an error of kind too_large, and no upload).
func (s *Service) Create(ctx context.Context, caller principal.Principal, length int64, deferred bool, name, visibility string) (domain.Upload, error) {
	if !caller.IsAdmin() {
		return domain.Upload{}, domain.ErrAdminOnly
	}
	if deferred || length < 0 {
		return domain.Upload{}, domain.ErrNoLength
	}
	if s.cfg.MaxUploadBytes > 0 && length > s.cfg.MaxUploadBytes {
		return domain.Upload{}, domain.ErrTooLarge
	}
	name, visibility, err := domain.CheckMetadata(name, visibility)
	if err != nil {
		return domain.Upload{}, err
	}
	id, err := newID()
	if err != nil {
		return domain.Upload{}, err
	}
	now := s.Clock.Now()
	u := domain.Upload{
		ID: id, CorporationID: caller.CorporationID, UserID: caller.UserID, KeyID: caller.KeyID, Length: length,
		Name: name, Visibility: visibility, ExpiresAt: now.Add(s.cfg.Expiry), CreatedAt: now,
	}
	if s.Quota != nil {
		if err := s.Quota.Reserve(ctx, u.CorporationID, reservationKey(id), length, u.ExpiresAt); err != nil {
			return domain.Upload{}, err
		}
	}
	if err := s.Uploads.Create(ctx, u); err != nil {
		s.release(ctx, u)
		return domain.Upload{}, fmt.Errorf("create upload: %w", err)
	}
	return u, nil
}

// reservationKey names an upload's reservation of storage.
func reservationKey(id string) string { return "tus:" + id }

// release gives an upload's reservation back, even when the request was cancelled; a
// failure leaves it to expire with the upload.
func (s *Service) release(ctx context.Context, u domain.Upload) {
	if s.Quota == nil || u.Finished() {
		return
	}
	if err := s.Quota.Release(context.WithoutCancel(ctx), u.CorporationID, reservationKey(u.ID)); err != nil {
		slog.WarnContext(ctx, "release upload reservation", "upload", u.ID, "err", err)
	}
}

// Find returns the upload for a request of the caller: only an admin may touch uploads,
// and another corporation's upload, a missing one and an expired one are all not found.
func (s *Service) Find(ctx context.Context, caller principal.Principal, id string) (domain.Upload, error) {
	if !caller.IsAdmin() {
		return domain.Upload{}, domain.ErrAdminOnly
	}
	if !validID(id) {
		return domain.Upload{}, domain.ErrNotFound
	}
	u, err := s.Uploads.Get(ctx, id)
	if err != nil {
		return domain.Upload{}, err
	}
	if !u.VisibleTo(caller.CorporationID, s.Clock.Now()) {
		return domain.Upload{}, domain.ErrNotFound
	}
	return u, nil
}

// Finish turns the finished file of an upload into a video of the caller's corporation:
// the video module sniffs it and takes it over (a local file is moved into the video
// storage, an object already in it stays where it is) and, in one unit of work, creates
// the video row and its processing job while this module records the video id on the
// upload and the upload's reservation becomes the video's stored bytes. A file that is not
// a video is deleted with its upload and its reservation released (an error of kind
// unsupported_media_type). Once registered, what is left of the parts is removed.
func (s *Service) Finish(ctx context.Context, caller principal.Principal, id string, file ports.FinishedFile) (int64, error) {
	u, err := s.Find(ctx, caller, id)
	if err != nil {
		return 0, err
	}
	if u.Finished() {
		return u.VideoID, nil
	}
	also := func(ctx context.Context, videoID int64) error {
		if err := s.Uploads.SetVideo(ctx, id, videoID); err != nil {
			return err
		}
		if s.Quota == nil {
			return nil
		}
		// tusd completes an upload only when it holds exactly its declared length.
		return s.Quota.Settle(ctx, u.CorporationID, reservationKey(id), videoID, u.Length)
	}
	var videoID int64
	if file.Object.Key != "" {
		videoID, err = s.Videos.RegisterObject(ctx, caller, u.Name, u.Visibility, file.Object, also)
	} else {
		videoID, err = s.Videos.Register(ctx, caller, u.Name, u.Visibility, file.Path, also)
	}
	if kind.Of(err) == kind.UnsupportedMedia {
		s.discard(ctx, u)
		return 0, err
	}
	if err != nil {
		return 0, err
	}
	if err := s.Parts.Remove(context.WithoutCancel(ctx), id); err != nil {
		slog.WarnContext(ctx, "remove finished upload parts", "upload", id, "err", err)
	}
	return videoID, nil
}

// Terminated forgets an upload whose parts the client deleted, and releases its
// reservation (nothing to release once it became a video).
func (s *Service) Terminated(ctx context.Context, u domain.Upload) error {
	if err := s.Uploads.Delete(ctx, u.ID); err != nil {
		return err
	}
	s.release(ctx, u)
	return nil
}

// purgeBatch bounds the uploads one purge pass lists.
const purgeBatch = 500

// PurgeExpired deletes the parts and rows of every unfinished upload past its expiry and
// returns how many went, releasing their reservations. Parts are removed before the row,
// so a failure leaves the row for the next run to retry.
func (s *Service) PurgeExpired(ctx context.Context) (int, error) {
	total := 0
	for {
		us, err := s.Uploads.Expired(ctx, s.Clock.Now(), purgeBatch)
		if err != nil {
			return total, fmt.Errorf("list expired uploads: %w", err)
		}
		for _, u := range us {
			if err := s.Parts.Remove(ctx, u.ID); err != nil {
				return total, fmt.Errorf("remove parts of upload %s: %w", u.ID, err)
			}
			if err := s.Uploads.Delete(ctx, u.ID); err != nil {
				return total, fmt.Errorf("delete upload %s: %w", u.ID, err)
			}
			s.release(ctx, u)
			total++
		}
		if len(us) < purgeBatch {
			return total, nil
		}
	}
}

// discard removes an upload's parts and row, and releases its reservation, even when the
// request was cancelled.
func (s *Service) discard(ctx context.Context, u domain.Upload) {
	ctx = context.WithoutCancel(ctx)
	err := errors.Join(s.Parts.Remove(ctx, u.ID), s.Uploads.Delete(ctx, u.ID))
	if err != nil {
		slog.WarnContext(ctx, "discard upload", "upload", u.ID, "err", err)
	}
	s.release(ctx, u)
}

// newID returns 128 random bits as 32 hex digits.
func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("upload id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// validID reports whether id has the form newID generates.
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil && id == strings.ToLower(id)
}
