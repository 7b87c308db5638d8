package fake

import (
	"context"
	"sync"

	"vms/modules/corporation/ports"
)

// AdminCall records one CreateAdmin call.
type AdminCall struct {
	CorporationID   int64
	Email, Password string
}

// AdminAccounts records CreateAdmin calls; PrepareAdmin fails with Err and CreateAdmin
// with CreateErr when set.
type AdminAccounts struct {
	mu        sync.Mutex
	Calls     []AdminCall
	Err       error
	CreateErr error
}

var _ ports.AdminAccounts = (*AdminAccounts)(nil)

// PrepareAdmin keeps the password as its "hash"; it fails with Err when set.
func (a *AdminAccounts) PrepareAdmin(_ context.Context, email, password string) (ports.PreparedAdmin, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Err != nil {
		return ports.PreparedAdmin{}, a.Err
	}
	return ports.PreparedAdmin{Email: email, PasswordHash: password}, nil
}

// CreateAdmin records the call.
func (a *AdminAccounts) CreateAdmin(_ context.Context, corporationID int64, admin ports.PreparedAdmin) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.CreateErr != nil {
		return a.CreateErr
	}
	a.Calls = append(a.Calls, AdminCall{corporationID, admin.Email, admin.PasswordHash})
	return nil
}
