package domain

import "vms/platform/kind"

// Sentinel errors of the corporation domain.
var (
	ErrNotFound  = kind.New(kind.NotFound, "corporation not found")
	ErrNameTaken = kind.New(kind.Conflict, "a corporation with this name already exists")
	ErrForbidden = kind.New(kind.Forbidden, "only an admin of this corporation may change it")
)

// fieldErrors collects validation failures.
type fieldErrors map[string]string

func (f fieldErrors) add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// err returns a validation error whose message names the failed fields.
func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return kind.NamedFields("corporation", f)
}
