package fake

import (
	"context"
	"sync"
	"time"

	"vms/modules/corporation/ports"
	"vms/platform/database/uowtest"
	"vms/platform/events/eventstest"
	"vms/platform/fakeclock"
)

// Snapshotter is a fake store that can restore its state after a failed unit of work.
type Snapshotter = uowtest.Snapshotter

// UnitOfWork calls the function; when it fails, the stores in Stores are put back as
// they were, like a rolled back transaction.
type UnitOfWork = uowtest.UnitOfWork

// Clock is a settable clock.
type Clock = fakeclock.Clock

var _ ports.Clock = (*Clock)(nil)

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return fakeclock.New(t) }

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

// Publisher records published events and fails with Err when set.
type Publisher = eventstest.Recorder
