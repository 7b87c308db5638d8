// Package kind names the kinds of failure an error can report, so that one mapper at
// the edge turns them into responses. It imports only the standard library and never
// speaks HTTP; domain packages may import it.
package kind

import (
	"errors"
	"strconv"
)

// Kind is the kind of a failure. The zero value, Internal, is what an error without a
// kind reports.
type Kind uint8

// The kinds of failure.
const (
	Internal Kind = iota
	BadRequest
	Invalid
	Unauthorized
	Forbidden
	NotFound
	Conflict
	TooLarge
	UnsupportedMedia
	RangeNotSatisfiable
	RateLimited
	BadGateway
	Unavailable
)

var names = [...]string{
	Internal:            "internal",
	BadRequest:          "bad_request",
	Invalid:             "invalid",
	Unauthorized:        "unauthorized",
	Forbidden:           "forbidden",
	NotFound:            "not_found",
	Conflict:            "conflict",
	TooLarge:            "too_large",
	UnsupportedMedia:    "unsupported_media_type",
	RangeNotSatisfiable: "range_not_satisfiable",
	RateLimited:         "rate_limited",
	BadGateway:          "bad_gateway",
	Unavailable:         "unavailable",
}

// String returns the kind's snake_case name, such as "not_found".
func (k Kind) String() string {
	if int(k) < len(names) {
		return names[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Kinded is implemented by every error that reports a kind.
type Kinded interface {
	Kind() Kind
}

// Of returns the kind of the first error in err's chain that reports one, and Internal
// when none does.
func Of(err error) Kind {
	var k Kinded
	if errors.As(err, &k) {
		return k.Kind()
	}
	return Internal
}

// Error is an error of one kind with a message fit for a client.
type Error struct {
	kind Kind
	msg  string
}

// New returns an error of kind k with the message msg.
func New(k Kind, msg string) *Error { return &Error{kind: k, msg: msg} }

func (e *Error) Error() string { return e.msg }

// Kind returns the error's kind.
func (e *Error) Kind() Kind { return e.kind }
