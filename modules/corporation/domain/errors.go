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

// Sentinel errors of the corporation domain.
var (
	ErrNotFound  = &Error{kind: "not_found", msg: "corporation not found"}
	ErrNameTaken = &Error{kind: "conflict", msg: "a corporation with this name already exists"}
	ErrForbidden = &Error{kind: "forbidden", msg: "only an admin of this corporation may change it"}
)

// ValidationError lists the invalid fields of a request, each with a message.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for n := range e.Fields {
		names = append(names, n)
	}
	sort.Strings(names)
	return "invalid corporation: " + strings.Join(names, ", ")
}

// ErrorKind names the kind of failure.
func (e *ValidationError) ErrorKind() string { return "invalid" }

// FieldErrors returns the message for each invalid field.
func (e *ValidationError) FieldErrors() map[string]string { return e.Fields }

// fieldErrors collects validation failures.
type fieldErrors map[string]string

func (f fieldErrors) add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}
