package domain

import "vms/platform/kind"

// Sentinel errors of the user domain.
var (
	ErrNotFound    = kind.New(kind.NotFound, "user not found")
	ErrEmailTaken  = kind.New(kind.Conflict, "a user with this e-mail already exists")
	ErrAdminOnly   = kind.New(kind.Forbidden, "only an admin may do this")
	ErrOwnRole     = kind.New(kind.Forbidden, "nobody may change their own role")
	ErrRoleByGuest = kind.New(kind.Forbidden, "only an admin may change roles")
	ErrNotSignedIn = kind.New(kind.Unauthorized, "sign in first")
	// ErrWrongPassword refuses a change of one's own password whose current_password
	// does not match.
	ErrWrongPassword = kind.New(kind.Forbidden, "current_password is not your password")
	ErrNothingToSet  = kind.NamedFields("user", map[string]string{"password": "password or role is required", "role": "password or role is required"})
)

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

// Err returns a validation error when any field failed.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return kind.NamedFields("user", f)
}
