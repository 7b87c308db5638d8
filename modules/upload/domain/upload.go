// Package domain holds the upload module's entities and rules: resumable (tus) uploads
// that become videos once their last byte arrives.
package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"vms/platform/kind"
)

// Upload is one resumable upload of a corporation.
type Upload struct {
	// ID is the unguessable tus id (32 hex digits).
	ID            string
	CorporationID int64
	// UserID is the user that created the upload, or 0 when KeyID names the API key that
	// did.
	UserID int64
	KeyID  int64
	// Length is the size the file will have, declared on creation.
	Length     int64
	Name       string
	Visibility string
	ExpiresAt  time.Time
	// VideoID is the video the finished file became; 0 while unfinished.
	VideoID   int64
	CreatedAt time.Time
}

// Finished reports whether the upload became a video.
func (u Upload) Finished() bool { return u.VideoID != 0 }

// Expired reports whether an unfinished upload is past its expiry at now.
func (u Upload) Expired(now time.Time) bool { return !u.Finished() && !now.Before(u.ExpiresAt) }

// VisibleTo reports whether a caller of the corporation may see the upload at now:
// another corporation's upload, and an expired one, do not exist for it.
func (u Upload) VisibleTo(corporationID int64, now time.Time) bool {
	return u.CorporationID == corporationID && !u.Expired(now)
}

// MaxNameLength is the longest video name, in characters, as the video module allows.
const MaxNameLength = 200

// Errors of the upload use cases.
var (
	ErrNotFound  = kind.New(kind.NotFound, "upload not found")
	ErrAdminOnly = kind.New(kind.Forbidden, "only an admin may upload videos")
	ErrTooLarge  = kind.New(kind.TooLarge, "Upload-Length is larger than the upload limit")
	ErrNoLength  = kind.New(kind.BadRequest, "Upload-Length is required: deferred lengths are not supported")
)

// Invalid is a validation error of one field of the upload's metadata.
type Invalid struct{ Field, Message string }

func (e *Invalid) Error() string { return e.Field + " " + e.Message }

// Kind reports the invalid kind.
func (e *Invalid) Kind() kind.Kind { return kind.Invalid }

// FieldErrors names the field, for the problem body.
func (e *Invalid) FieldErrors() map[string]string { return map[string]string{e.Field: e.Message} }

// CheckMetadata validates the name and visibility an upload declares and returns them
// cleaned: the name trimmed (1 to MaxNameLength characters), the visibility private
// unless "public".
func CheckMetadata(name, visibility string) (string, string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", "", &Invalid{Field: "name", Message: "is required in Upload-Metadata"}
	case !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxNameLength:
		return "", "", &Invalid{Field: "name", Message: "must be at most 200 characters"}
	}
	switch v := strings.TrimSpace(visibility); v {
	case "", "private":
		return name, "private", nil
	case "public":
		return name, v, nil
	default:
		return "", "", &Invalid{Field: "visibility", Message: "must be public or private"}
	}
}
