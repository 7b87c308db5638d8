package domain

import (
	"strings"
	"unicode/utf8"
)

// Visibility tells who may see a video.
type Visibility string

// The visibilities. A private video is seen by members of its corporation only; a
// public one is listed and read by anyone and streamed by any signed-in user.
const (
	Private Visibility = "private"
	Public  Visibility = "public"
)

// ParseVisibility reads "private" or "public".
func ParseVisibility(raw string) (Visibility, error) {
	switch v := Visibility(raw); v {
	case Private, Public:
		return v, nil
	}
	return "", Invalid("visibility", "must be private or public")
}

// ParseNewVisibility reads the visibility of a new video: absent or "" is private.
func ParseNewVisibility(raw string) (Visibility, error) {
	if raw == "" {
		return Private, nil
	}
	return ParseVisibility(raw)
}

// Viewer is who reads videos: the zero Viewer is an anonymous caller, who sees public
// videos only; a signed-in caller also sees every video of their own corporation.
type Viewer struct {
	CorporationID int64
}

// Anonymous is the viewer of a request without credentials.
var Anonymous = Viewer{}

// Sees reports whether the viewer may see v (its liveness aside).
func (w Viewer) Sees(v Video) bool {
	return v.Visibility == Public || (w.CorporationID != 0 && v.CorporationID == w.CorporationID)
}

// ListFilter selects the live (or, with Deleted, the deleted) videos a list shows.
type ListFilter struct {
	// Viewer limits the list to the videos it may see.
	Viewer Viewer
	// CorporationID, when not zero, keeps only that corporation's videos.
	CorporationID int64
	Deleted       bool
	// Query, when not empty, keeps the videos whose name contains it, ignoring case;
	// it is matched literally (% and _ are no wildcards).
	Query string
}

// ParseQuery checks a name search: valid UTF-8 of at most MaxNameLength characters.
func ParseQuery(raw string) (string, error) {
	switch {
	case !utf8.ValidString(raw):
		return "", Invalid("q", "must be valid UTF-8")
	case utf8.RuneCountInString(raw) > MaxNameLength:
		return "", Invalid("q", "must be at most 200 characters")
	case strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", Invalid("q", "must not contain control characters")
	}
	return raw, nil
}
