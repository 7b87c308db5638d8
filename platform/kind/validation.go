package kind

import (
	"maps"
	"slices"
	"strings"
)

// ValidationError reports the invalid fields of a request, each with a message. It is
// of kind Invalid unless built by NewFields with another kind.
type ValidationError struct {
	// Fields maps each invalid field to its message.
	Fields  map[string]string
	kind    Kind
	subject string
	detail  string
}

// InvalidField returns a validation error for one field.
func InvalidField(field, msg string) *ValidationError {
	return &ValidationError{Fields: map[string]string{field: msg}, kind: Invalid}
}

// InvalidFields returns a validation error for the fields, each with its message.
func InvalidFields(fields map[string]string) *ValidationError {
	return &ValidationError{Fields: fields, kind: Invalid}
}

// NewFields returns an error of kind k with the message detail that lists the fields.
func NewFields(k Kind, detail string, fields map[string]string) *ValidationError {
	return &ValidationError{Fields: fields, kind: k, detail: detail}
}

// NamedFields returns a validation error of kind Invalid whose message names the subject
// and the invalid fields, without their messages: "invalid user: email, password".
func NamedFields(subject string, fields map[string]string) *ValidationError {
	e := InvalidFields(fields)
	e.detail = "invalid " + subject + ": " + strings.Join(e.Names(), ", ")
	return e
}

// About returns a copy of e whose message names subject ("invalid video: …") in place
// of "request".
func (e *ValidationError) About(subject string) *ValidationError {
	c := *e
	c.subject = subject
	return &c
}

// Error returns the detail NewFields was given or, without one, "invalid <subject>:"
// followed by each field and its message in field order.
func (e *ValidationError) Error() string {
	if e.detail != "" {
		return e.detail
	}
	if e.subject == "" {
		return "request has invalid fields"
	}
	parts := make([]string, 0, len(e.Fields))
	for _, n := range e.Names() {
		parts = append(parts, n+" "+e.Fields[n])
	}
	return "invalid " + e.subject + ": " + strings.Join(parts, "; ")
}

// Kind returns Invalid, or the kind NewFields was given.
func (e *ValidationError) Kind() Kind {
	if e.kind == Internal {
		return Invalid
	}
	return e.kind
}

// FieldErrors returns the message for each invalid field.
func (e *ValidationError) FieldErrors() map[string]string { return e.Fields }

// Names returns the names of the invalid fields in order.
func (e *ValidationError) Names() []string { return slices.Sorted(maps.Keys(e.Fields)) }
