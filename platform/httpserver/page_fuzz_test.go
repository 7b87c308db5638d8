package httpserver

import (
	"testing"

	"vms/platform/kind"
)

// FuzzCursor checks that every non-negative id survives EncodeCursor and DecodeCursor,
// and that any string either decodes to a non-negative id whose encoding is exactly that
// string (so one page has one cursor) or fails as a bad request.
func FuzzCursor(f *testing.F) {
	for _, s := range []struct {
		cursor string
		id     int64
	}{
		{EncodeCursor(1), 1}, {EncodeCursor(1 << 53), 1 << 53}, {"", 0}, {"!!!", -1},
		{"aWQ6", 42}, {"aWQ6LTE", 7}, {"aWQ6MDE", 9223372036854775807}, {"aWQ6KzE", 3},
		{"aWQ6MR", 1}, {"aWQ6MQ==", 1}, {"aWQ6OTIyMzM3MjAzNjg1NDc3NTgwOA", -9223372036854775808},
	} {
		f.Add(s.cursor, s.id)
	}
	f.Fuzz(func(t *testing.T, cursor string, id int64) {
		if id >= 0 {
			got, err := DecodeCursor(EncodeCursor(id))
			if err != nil || got != id {
				t.Fatalf("round trip of %d: %d, %v", id, got, err)
			}
		}
		got, err := DecodeCursor(cursor)
		if err != nil {
			if k := kind.Of(err); k != kind.BadRequest {
				t.Fatalf("DecodeCursor(%q) failed with kind %v: %v", cursor, k, err)
			}
			return
		}
		if got < 0 {
			t.Fatalf("DecodeCursor(%q) = %d", cursor, got)
		}
		if enc := EncodeCursor(got); enc != cursor {
			t.Fatalf("DecodeCursor(%q) = %d, whose cursor is %q", cursor, got, enc)
		}
	})
}
