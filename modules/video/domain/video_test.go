package domain

import (
	"errors"
	"strings"
	"testing"

	"vms/platform/kind"
)

func TestNormalizeName(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"  Intro  ", "Intro", true},
		{"", "", false},
		{"   ", "", false},
		{strings.Repeat("é", 200), strings.Repeat("é", 200), true},
		{strings.Repeat("a", 201), "", false},
		{"bad\x00name", "", false},
		{"tab\tname", "", false},
		{"unit\x1fseparator", "", false},
		{"delete\x7f", "", false},
		{"two words", "two words", true},
		{"!~ü", "!~ü", true},
		{"\xff\xfe", "", false},
	}
	for _, c := range cases {
		got, err := NormalizeName(c.in)
		if (err == nil) != c.ok {
			t.Fatalf("NormalizeName(%q) error = %v, want ok=%v", c.in, err, c.ok)
		}
		if got != c.want {
			t.Fatalf("NormalizeName(%q) = %q, want %q", c.in, got, c.want)
		}
		var ve *kind.ValidationError
		if err != nil && (!errors.As(err, &ve) || ve.FieldErrors()["name"] == "" || ve.Kind() != kind.Invalid) {
			t.Fatalf("NormalizeName(%q) error %v is not a name validation error", c.in, err)
		}
	}
}

func TestIsVideoContentType(t *testing.T) {
	for ct, want := range map[string]bool{
		"video/mp4": true, "video/webm": true, "Video/MP4": true,
		"text/plain; charset=utf-8": false, "application/octet-stream": false, "": false, "audio/mpeg": false,
	} {
		if got := IsVideoContentType(ct); got != want {
			t.Errorf("IsVideoContentType(%q) = %v, want %v", ct, got, want)
		}
	}
}

func TestETag(t *testing.T) {
	if got := (Video{SHA256: "abc"}).ETag(); got != `"abc"` {
		t.Fatalf("ETag = %s", got)
	}
	if got := (Video{}).ETag(); got != "" {
		t.Fatalf("ETag of url video = %q, want empty", got)
	}
}

func TestErrorKinds(t *testing.T) {
	for err, want := range map[*kind.Error]kind.Kind{
		ErrNotFound: kind.NotFound, ErrAdminOnly: kind.Forbidden, ErrNotPaid: kind.Forbidden,
		ErrNotVideo: kind.UnsupportedMedia, ErrTooLarge: kind.TooLarge, ErrTrashForbidden: kind.Forbidden,
	} {
		if err.Kind() != want {
			t.Errorf("%v kind = %v, want %v", err, err.Kind(), want)
		}
	}
}
