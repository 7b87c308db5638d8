// Package domain holds the video entity, its view logs and their rules.
package domain

import (
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// SourceKind tells where a video's bytes come from.
type SourceKind string

// The source kinds.
const (
	SourceUpload SourceKind = "upload"
	SourceURL    SourceKind = "url"
)

// MaxNameLength is the longest video name, in characters.
const MaxNameLength = 200

// Video is a corporation's video: an uploaded file in storage or a registered source URL.
type Video struct {
	ID            int64
	Name          string
	CorporationID int64
	Visibility    Visibility
	SourceKind    SourceKind
	StorageKey    string // uploads only
	SourceURL     string // url videos only
	ContentType   string
	SizeBytes     int64
	SHA256        string // hex, uploads only
	Deleted       bool
	DeletedAt     *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Media is filled from the media module when a video is read for a response.
	Media Media
}

// ETag is the strong entity tag of an uploaded video's bytes, or "" when unknown.
func (v Video) ETag() string {
	if v.SHA256 == "" {
		return ""
	}
	return `"` + v.SHA256 + `"`
}

// NormalizeName trims a video name and checks it is 1–200 characters without control
// characters.
func NormalizeName(raw string) (string, error) {
	name := strings.TrimSpace(raw)
	switch {
	case name == "":
		return "", Invalid("name", "is required")
	case !utf8.ValidString(name):
		return "", Invalid("name", "must be valid UTF-8")
	case utf8.RuneCountInString(name) > MaxNameLength:
		return "", Invalid("name", "must be at most 200 characters")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", Invalid("name", "must not contain control characters")
		}
	}
	return name, nil
}

// IsVideoContentType reports whether a sniffed media type is a video type.
func IsVideoContentType(ct string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "video/")
}

// Changes are the fields an update sets; nil leaves a field as it is.
type Changes struct {
	Name       *string
	SourceURL  *string
	Visibility *Visibility
}

// ViewLog records that a user viewed a video, once per (user, video).
type ViewLog struct {
	ID        int64
	UserID    int64
	VideoID   int64
	CreatedAt time.Time
}

// StoredFile is an uploaded file already written to storage, not yet registered as a video.
type StoredFile struct {
	Key         string
	Size        int64
	SHA256      string
	ContentType string
}

// UploadParts yields the parts of a multipart upload in the order they arrive.
type UploadParts interface {
	// Next returns the next part's form field name and body, or io.EOF after the last
	// part. A body is valid until the next call.
	Next() (field string, body io.Reader, err error)
	// Length is the length the client declared for the whole body (framing included), or
	// 0 or less when it declared none.
	Length() int64
}
