package service

import (
	"context"
	"fmt"

	"vms/modules/usage/domain"
	"vms/platform/principal"
)

// Report answers a corporation's usage for its admins: the quota of its effective plan,
// what it stores and has reserved now, and per UTC day of the period (from and to as
// YYYY-MM-DD, both included; the last 30 days by default, at most 366) the stored bytes
// at the end of the day, egress bytes, first views and uploads. A guest is refused
// before any lookup; another corporation is not found.
func (s *Service) Report(ctx context.Context, caller principal.Principal, corporationID int64, from, to string) (domain.Report, error) {
	if !caller.IsAdmin() {
		return domain.Report{}, domain.ErrAdminOnly
	}
	if caller.CorporationID != corporationID {
		return domain.Report{}, domain.ErrNotFound
	}
	first, last, err := domain.ParsePeriod(from, to, domain.DayOf(s.Clock.Now()))
	if err != nil {
		return domain.Report{}, err
	}
	quota, err := s.quota(ctx, corporationID)
	if err != nil {
		return domain.Report{}, err
	}
	acc, err := s.Repo.Account(ctx, corporationID)
	if err != nil {
		return domain.Report{}, fmt.Errorf("read usage: %w", err)
	}
	records, before, err := s.Repo.Days(ctx, corporationID, first, last)
	if err != nil {
		return domain.Report{}, fmt.Errorf("read usage days: %w", err)
	}
	return domain.Report{
		QuotaBytes: quota, UsedBytes: acc.Used, ReservedBytes: acc.Reserved,
		Days: domain.FillDays(first, last, before, records),
	}, nil
}

// Totals returns what all corporations store and have reserved, for /metrics.
func (s *Ledger) Totals(ctx context.Context) (stored, reserved int64, err error) {
	return s.Repo.Totals(ctx)
}
