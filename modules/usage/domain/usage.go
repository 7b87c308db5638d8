// Package domain holds the usage module's rules: storage quotas by plan, reservations of
// uploads in progress, and the figures per corporation and UTC day.
package domain

import (
	"fmt"

	"vms/platform/kind"
)

// Account is a corporation's storage: what it stores (Used: originals and derived files,
// deleted videos included) and what uploads in progress have reserved.
type Account struct {
	CorporationID int64
	Used          int64
	Reserved      int64
}

// Taken is the space counted against the quota: stored plus reserved.
func (a Account) Taken() int64 { return a.Used + a.Reserved }

// Quota is the bytes a corporation may store on its effective plan; 0 means no limit.
func Quota(paid bool, free, paidQuota int64) int64 {
	if paid {
		return paidQuota
	}
	return free
}

// Fits reports whether n more bytes fit in quota beside what the account has taken.
func (a Account) Fits(n, quota int64) bool {
	return quota == 0 || a.Taken()+n <= quota
}

// Traffic is what one replica counted for a corporation on a day since its last flush:
// body bytes written to clients and first views of the corporation's videos.
type Traffic struct {
	CorporationID int64
	Day           Day
	EgressBytes   int64
	FirstViews    int64
}

// DayRecord is a stored day: StoredBytes is the level after the day's last change, nil
// when nothing changed that day.
type DayRecord struct {
	Day         Day
	StoredBytes *int64
	EgressBytes int64
	FirstViews  int64
	Uploads     int64
}

// DayUsage is one day of a usage report.
type DayUsage struct {
	Day         Day
	StoredBytes int64
	EgressBytes int64
	FirstViews  int64
	Uploads     int64
}

// Report is a corporation's usage: its quota (0: no limit), what it stores and has
// reserved now, and each day of the period.
type Report struct {
	QuotaBytes    int64
	UsedBytes     int64
	ReservedBytes int64
	Days          []DayUsage
}

// FillDays lists every day from first to last: the records' figures, and the stored level
// carried on from the last change before (or, before any record in the period, from
// storedBefore, the level at the end of the day before first). records are ascending.
func FillDays(first, last Day, storedBefore int64, records []DayRecord) []DayUsage {
	out := make([]DayUsage, 0, int(last-first)+1)
	stored, i := storedBefore, 0
	for d := first; d <= last; d++ {
		u := DayUsage{Day: d}
		for i < len(records) && records[i].Day < d {
			i++
		}
		if i < len(records) && records[i].Day == d {
			r := records[i]
			if r.StoredBytes != nil {
				stored = *r.StoredBytes
			}
			u.EgressBytes, u.FirstViews, u.Uploads = r.EgressBytes, r.FirstViews, r.Uploads
		}
		u.StoredBytes = stored
		out = append(out, u)
	}
	return out
}

// QuotaExceededError refuses an upload that would take a corporation past its quota.
type QuotaExceededError struct {
	Quota     int64
	Used      int64 // stored and reserved
	Requested int64
}

func (e *QuotaExceededError) Error() string {
	return fmt.Sprintf("the upload needs %d bytes but only %d of the storage quota of %d bytes are free",
		e.Requested, max(e.Quota-e.Used, 0), e.Quota)
}

// Kind makes it a too_large failure (413).
func (e *QuotaExceededError) Kind() kind.Kind { return kind.TooLarge }

// QuotaExceeded gives the problem body its figures.
func (e *QuotaExceededError) QuotaExceeded() (quota, used, requested int64) {
	return e.Quota, e.Used, e.Requested
}

// Sentinel errors of the usage domain.
var (
	ErrNotFound  = kind.New(kind.NotFound, "corporation not found")
	ErrAdminOnly = kind.New(kind.Forbidden, "only an admin of the corporation may read its usage")
)
