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

// Sentinel errors of the user domain.
var (
	ErrNotFound     = &Error{kind: "not_found", msg: "user not found"}
	ErrEmailTaken   = &Error{kind: "conflict", msg: "a user with this e-mail already exists"}
	ErrAdminOnly    = &Error{kind: "forbidden", msg: "only an admin may do this"}
	ErrOwnRole      = &Error{kind: "forbidden", msg: "nobody may change their own role"}
	ErrRoleByGuest  = &Error{kind: "forbidden", msg: "only an admin may change roles"}
	ErrNotSignedIn  = &Error{kind: "unauthorized", msg: "sign in first"}
	ErrNothingToSet = &ValidationError{Fields: map[string]string{"password": "password or role is required", "role": "password or role is required"}}
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
	return "invalid user: " + strings.Join(names, ", ")
}

// ErrorKind names the kind of failure.
func (e *ValidationError) ErrorKind() string { return "invalid" }

// FieldErrors returns the message for each invalid field.
func (e *ValidationError) FieldErrors() map[string]string { return e.Fields }

// Fields collects validation failures by field name.
type Fields map[string]string

// Add records the first failure of a field.
func (f Fields) Add(field string, err error) {
	if err == nil {
		return
	}
	if _, ok := f[field]; !ok {
		f[field] = err.Error()
	}
}

// Err returns a ValidationError when any field failed.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}
