package source

// Error is a source URL error that carries the kind the HTTP layer maps to a status.
type Error struct {
	kind string
	msg  string
	err  error
}

// Error returns a message fit for a client: it never includes internal addresses
// learned from DNS or the text of transport errors (Unwrap has those, for logs).
func (e *Error) Error() string { return e.msg }

// ErrorKind returns "invalid" for a refused URL and "bad_gateway" for a failed fetch.
func (e *Error) ErrorKind() string { return e.kind }

// FieldErrors names the API field that carries a source URL, for validation answers.
func (e *Error) FieldErrors() map[string]string {
	if e.kind != kindInvalid {
		return nil
	}
	return map[string]string{"file_path": e.msg}
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.err }

const (
	kindInvalid    = "invalid"
	kindBadGateway = "bad_gateway"
)

func invalid(msg string) error { return &Error{kind: kindInvalid, msg: msg} }

func badGateway(msg string, err error) error {
	return &Error{kind: kindBadGateway, msg: msg, err: err}
}
