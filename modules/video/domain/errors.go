package domain

import (
	"sort"
	"strings"
)

// Error is a domain error with the kind the HTTP layer maps to a status.
type Error struct {
	kind string
	msg  string
}

func (e *Error) Error() string { return e.msg }

// ErrorKind names the kind of failure.
func (e *Error) ErrorKind() string { return e.kind }

// Sentinel errors of the video domain.
var (
	ErrNotFound         = &Error{kind: "not_found", msg: "video not found"}
	ErrAdminOnly        = &Error{kind: "forbidden", msg: "only an admin may manage videos"}
	ErrTrashForbidden   = &Error{kind: "forbidden", msg: "only an admin of this corporation may list its deleted videos"}
	ErrNotPaid          = &Error{kind: "forbidden", msg: "restoring a video needs the PAID plan"}
	ErrViewLogForbidden = &Error{kind: "forbidden", msg: "only the user or an admin of the user's corporation may read this view log"}
	ErrNotVideo         = &Error{kind: "unsupported_media_type", msg: "the uploaded file is not a video"}
	ErrTooLarge         = &Error{kind: "too_large", msg: "the uploaded file is larger than the upload limit"}
)

// ValidationError lists the invalid fields of a request, each with a message.
type ValidationError struct {
	Fields map[string]string
}

// Invalid returns a validation error for one field.
func Invalid(field, msg string) *ValidationError {
	return &ValidationError{Fields: map[string]string{field: msg}}
}

func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for n := range e.Fields {
		names = append(names, n+" "+e.Fields[n])
	}
	sort.Strings(names)
	return "invalid video: " + strings.Join(names, "; ")
}

// ErrorKind names the kind of failure.
func (e *ValidationError) ErrorKind() string { return "invalid" }

// FieldErrors returns the message for each invalid field.
func (e *ValidationError) FieldErrors() map[string]string { return e.Fields }
