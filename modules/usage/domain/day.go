package domain

import (
	"time"

	"vms/platform/kind"
)

// Day is a UTC calendar day, counted in days since 1970-01-01.
type Day int64

const secondsPerDay = 24 * 60 * 60

// DayOf is the UTC day of t.
func DayOf(t time.Time) Day {
	s := t.Unix()
	d := s / secondsPerDay
	if s%secondsPerDay < 0 {
		d--
	}
	return Day(d)
}

// Time is the day's first instant, UTC.
func (d Day) Time() time.Time { return time.Unix(int64(d)*secondsPerDay, 0).UTC() }

// String formats the day as YYYY-MM-DD.
func (d Day) String() string { return d.Time().Format(time.DateOnly) }

// Period bounds of usage reports.
const (
	// DefaultPeriodDays is the period of a report that names no dates: the last 30 days,
	// today included.
	DefaultPeriodDays = 30
	// MaxPeriodDays is the longest period a report covers.
	MaxPeriodDays = 366
)

// ParsePeriod reads a report's period from its from and to dates (YYYY-MM-DD, both
// included). Without to, the period ends today; without from, it starts
// DefaultPeriodDays-1 days before its end. A date in another form, a from after to and a
// period longer than MaxPeriodDays are invalid, naming the field.
func ParsePeriod(from, to string, today Day) (first, last Day, err error) {
	fields := map[string]string{}
	last = today
	if to != "" {
		if last, err = parseDay(to); err != nil {
			fields["to"] = "must be a date such as 2026-01-31"
		}
	}
	first = last - DefaultPeriodDays + 1
	if from != "" {
		if first, err = parseDay(from); err != nil {
			fields["from"] = "must be a date such as 2026-01-01"
		}
	}
	switch {
	case len(fields) > 0:
	case first > last:
		fields["from"] = "must not be after to"
	case last-first+1 > MaxPeriodDays:
		fields["to"] = "must be at most 366 days after from"
	}
	if len(fields) > 0 {
		return 0, 0, kind.InvalidFields(fields).About("period")
	}
	return first, last, nil
}

func parseDay(s string) (Day, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, err
	}
	return DayOf(t), nil
}
