package source

import "vms/platform/kind"

// Error is a source URL error that carries its kind and, for a failed fetch, the cause.
type Error struct {
	kind kind.Kind
	msg  string
	err  error
}

// Error returns a message fit for a client: it never includes internal addresses
// learned from DNS or the text of transport errors (Unwrap has those, for logs).
func (e *Error) Error() string { return e.msg }

// Kind returns Invalid for a refused URL and BadGateway for a failed fetch.
func (e *Error) Kind() kind.Kind { return e.kind }

// FieldErrors names the API field that carries a source URL, for validation answers.
func (e *Error) FieldErrors() map[string]string {
	if e.kind != kind.Invalid {
		return nil
	}
	return map[string]string{"file_path": e.msg}
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.err }

func invalid(msg string) error { return &Error{kind: kind.Invalid, msg: msg} }

func badGateway(msg string, err error) error {
	return &Error{kind: kind.BadGateway, msg: msg, err: err}
}
