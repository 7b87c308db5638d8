package s3store

import "vms/platform/kind"

var (
	// ErrNotFound reports a key that names no stored object.
	ErrNotFound = kind.New(kind.NotFound, "stored object not found")
	// ErrTooLarge reports an object longer than the limit Put was given.
	ErrTooLarge = kind.New(kind.TooLarge, "upload is larger than the size limit")
)
