package domain

import (
	"reflect"
	"testing"
	"time"

	"vms/platform/kind"
)

func TestDayOf(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), "2026-03-01"},
		{time.Date(2026, 3, 1, 23, 59, 59, 999, time.UTC), "2026-03-01"},
		{time.Date(2026, 3, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)), "2026-03-01"},
		{time.Date(2026, 3, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)), "2026-02-28"},
		{time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC), "1969-12-31"},
	} {
		if got := DayOf(tc.at).String(); got != tc.want {
			t.Errorf("DayOf(%v) = %s, want %s", tc.at, got, tc.want)
		}
	}
	if d := DayOf(time.Unix(86400*3, 0)); d != 3 || !d.Time().Equal(time.Unix(86400*3, 0)) {
		t.Fatalf("day %d at %v", d, d.Time())
	}
}

func TestParsePeriod(t *testing.T) {
	today := DayOf(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	day := func(s string) Day {
		t.Helper()
		d, err := parseDay(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		from, to    string
		first, last Day
	}{
		{"", "", today - 29, today},
		{"2026-01-01", "", day("2026-01-01"), today},
		{"", "2026-01-31", day("2026-01-02"), day("2026-01-31")},
		{"2026-01-01", "2026-01-01", day("2026-01-01"), day("2026-01-01")},
		{"2024-01-01", "2024-12-31", day("2024-01-01"), day("2024-12-31")}, // 366 days
		{"", "2027-12-31", day("2027-12-02"), day("2027-12-31")},           // in the future: all zeros
	} {
		first, last, err := ParsePeriod(tc.from, tc.to, today)
		if err != nil || first != tc.first || last != tc.last {
			t.Errorf("ParsePeriod(%q, %q) = %s..%s, %v; want %s..%s", tc.from, tc.to, first, last, err, tc.first, tc.last)
		}
	}
	for _, tc := range []struct {
		from, to string
		field    string
	}{
		{"yesterday", "", "from"},
		{"", "2026-13-01", "to"},
		{"2026-1-1", "", "from"},
		{"2026-03-02", "2026-03-01", "from"},
		{"2024-01-01", "2025-01-01", "to"},
	} {
		_, _, err := ParsePeriod(tc.from, tc.to, today)
		ve, ok := err.(*kind.ValidationError)
		if !ok || kind.Of(err) != kind.Invalid || ve.Fields[tc.field] == "" {
			t.Errorf("ParsePeriod(%q, %q) = %v, want a validation error naming %s", tc.from, tc.to, err, tc.field)
		}
	}
}

func TestFillDays(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	records := []DayRecord{
		{Day: 9, StoredBytes: n(50), EgressBytes: 1}, // before the period: ignored
		{Day: 11, EgressBytes: 7, FirstViews: 2},
		{Day: 12, StoredBytes: n(300), Uploads: 1},
		{Day: 14, StoredBytes: n(250)},
	}
	got := FillDays(10, 15, 100, records)
	want := []DayUsage{
		{Day: 10, StoredBytes: 100},
		{Day: 11, StoredBytes: 100, EgressBytes: 7, FirstViews: 2},
		{Day: 12, StoredBytes: 300, Uploads: 1},
		{Day: 13, StoredBytes: 300},
		{Day: 14, StoredBytes: 250},
		{Day: 15, StoredBytes: 250},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("FillDays:\n got %+v\nwant %+v", got, want)
	}
}

func TestQuota(t *testing.T) {
	if Quota(true, 10, 0) != 0 || Quota(false, 10, 0) != 10 {
		t.Fatal("Quota picks by plan")
	}
	a := Account{Used: 60, Reserved: 30}
	if !a.Fits(10, 100) || a.Fits(11, 100) || !a.Fits(1<<50, 0) || a.Taken() != 90 {
		t.Fatal("Fits")
	}
}
