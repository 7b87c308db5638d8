package service

import (
	"context"
	"fmt"
	"time"

	"vms/modules/usage/domain"
)

// quota is the corporation's quota on its effective plan now.
func (s *Service) quota(ctx context.Context, corporationID int64) (int64, error) {
	paid, err := s.Plans.IsPaid(ctx, corporationID)
	if err != nil {
		return 0, fmt.Errorf("effective plan: %w", err)
	}
	return domain.Quota(paid, s.cfg.FreeQuota, s.cfg.PaidQuota), nil
}

// Reserve holds n bytes of the corporation's quota for an upload about to be stored,
// under key (unique per upload) until expires, when they fit beside what it stores and
// has reserved; otherwise it fails with a *domain.QuotaExceededError (413) and changes
// nothing. The check and the reservation are one conditional statement, so concurrent
// uploads cannot overshoot. It joins the unit of work in ctx, if any.
func (s *Service) Reserve(ctx context.Context, corporationID int64, key string, n int64, expires time.Time) error {
	n = max(n, 0)
	quota, err := s.quota(ctx, corporationID)
	if err != nil {
		return err
	}
	var (
		acc domain.Account
		ok  bool
	)
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		var err error
		acc, ok, err = s.Repo.Reserve(ctx, corporationID, key, n, quota, expires)
		return err
	})
	if err != nil {
		return fmt.Errorf("reserve storage: %w", err)
	}
	if !ok {
		return &domain.QuotaExceededError{Quota: quota, Used: acc.Taken(), Requested: n}
	}
	return nil
}

// Settle turns the reservation under key into the stored bytes of the video the upload
// became, and counts the upload on today's usage. It runs in the unit of work that
// creates the video (joined through ctx), so both commit together. A reservation that is
// gone (expired) is no obstacle: the video's bytes count all the same.
func (s *Ledger) Settle(ctx context.Context, corporationID int64, key string, videoID, bytes int64) error {
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		if _, err := s.Repo.Unreserve(ctx, corporationID, key); err != nil {
			return fmt.Errorf("settle storage: %w", err)
		}
		if _, err := s.Repo.AddVideo(ctx, corporationID, videoID, bytes, domain.DayOf(s.Clock.Now())); err != nil {
			return fmt.Errorf("settle storage: %w", err)
		}
		return nil
	})
}

// Release gives back the reservation under key of an upload that will not be stored
// (failed, refused, terminated or expired). Releasing twice, or after Settle, does
// nothing.
func (s *Ledger) Release(ctx context.Context, corporationID int64, key string) error {
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		if _, err := s.Repo.Unreserve(ctx, corporationID, key); err != nil {
			return fmt.Errorf("release storage: %w", err)
		}
		return nil
	})
}

// releaseBatch bounds the reservations one transaction of ReleaseExpired removes.
const releaseBatch = 500

// ReleaseExpired gives back every reservation past its expiry: those of uploads whose
// process died before it could settle or release them. It returns how many went.
func (s *Ledger) ReleaseExpired(ctx context.Context) (int, error) {
	total := 0
	for {
		var n int
		err := s.UoW.Do(ctx, func(ctx context.Context) error {
			var err error
			n, err = s.Repo.UnreserveExpired(ctx, s.Clock.Now(), releaseBatch)
			return err
		})
		total += n
		if err != nil {
			return total, fmt.Errorf("release expired reservations: %w", err)
		}
		if n < releaseBatch {
			return total, nil
		}
	}
}

// DerivedChanged records that a video's derived files (poster, HLS) now take bytes in
// storage: its corporation's stored bytes change by the difference with what they took
// before, so files replaced by processing again are subtracted. It runs in the media
// module's unit of work. A video this module never recorded (none should exist) is
// logged and left alone.
func (s *Ledger) DerivedChanged(ctx context.Context, videoID, bytes int64) error {
	var found bool
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		var err error
		found, err = s.Repo.SetDerived(ctx, videoID, bytes, domain.DayOf(s.Clock.Now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("count derived files: %w", err)
	}
	if !found {
		s.Log.WarnContext(ctx, "derived files of a video without usage record", "video_id", videoID, "bytes", bytes)
	}
	return nil
}
