package domain

import "vms/platform/kind"

// Sentinel errors of the video domain.
var (
	ErrNotFound         = kind.New(kind.NotFound, "video not found")
	ErrAdminOnly        = kind.New(kind.Forbidden, "only an admin may manage videos")
	ErrTrashForbidden   = kind.New(kind.Forbidden, "only an admin of this corporation may list its deleted videos")
	ErrNotPaid          = kind.New(kind.Forbidden, "restoring a video needs the PAID plan")
	ErrViewLogForbidden = kind.New(kind.Forbidden, "only the user or an admin of the user's corporation may read this view log")
	ErrNotVideo         = kind.New(kind.UnsupportedMedia, "the uploaded file is not a video")
	ErrTooLarge         = kind.New(kind.TooLarge, "the uploaded file is larger than the upload limit")
	ErrNoPoster         = kind.New(kind.NotFound, "no poster for this video yet")
	ErrProcessingOff    = kind.New(kind.Conflict, "media processing is off on this server")
	// ErrSourceNotProcessed: a source URL is never handed to the media tools, which would
	// bypass the source fetcher's address checks.
	ErrSourceNotProcessed = kind.New(kind.Conflict, "videos registered from a source URL are not processed")
)

// Invalid returns a validation error for one field of a video.
func Invalid(field, msg string) *kind.ValidationError {
	return kind.InvalidField(field, msg).About("video")
}

// InvalidFields returns a validation error for fields of a video, each with its message.
func InvalidFields(fields map[string]string) *kind.ValidationError {
	return kind.InvalidFields(fields).About("video")
}
