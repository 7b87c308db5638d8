package s3store

// Error is a storage error that carries the kind the HTTP layer maps to a status.
type Error struct {
	kind string
	msg  string
}

func (e *Error) Error() string { return e.msg }

// ErrorKind returns the error's kind ("not_found", "too_large").
func (e *Error) ErrorKind() string { return e.kind }

var (
	// ErrNotFound reports a key that names no stored object.
	ErrNotFound = &Error{kind: "not_found", msg: "stored object not found"}
	// ErrTooLarge reports an object longer than the limit Put was given.
	ErrTooLarge = &Error{kind: "too_large", msg: "upload is larger than the size limit"}
)
