package fake

import (
	"context"
	"errors"
	"sync"
	"time"

	"vms/modules/auth/ports"
)

// Accounts is an in-memory ports.Accounts.
type Accounts struct {
	mu          sync.Mutex
	users       map[int64]account
	Err         error
	activeCalls int
	verifyCalls int
}

type account struct {
	email    string
	password string
	id       ports.Identity
	live     bool
}

var _ ports.Accounts = (*Accounts)(nil)

// NewAccounts returns an empty account book.
func NewAccounts() *Accounts { return &Accounts{users: map[int64]account{}} }

// Add registers a live user.
func (a *Accounts) Add(id ports.Identity, email, password string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.users[id.UserID] = account{email: email, password: password, id: id, live: true}
}

// Delete marks a user as no longer live.
func (a *Accounts) Delete(userID int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.users[userID]
	u.live = false
	a.users[userID] = u
}

// SetRole changes a user's role.
func (a *Accounts) SetRole(userID int64, role string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.users[userID]
	u.id.Role = role
	a.users[userID] = u
}

// ChangePassword replaces a user's password and records when it changed.
func (a *Accounts) ChangePassword(userID int64, password string, at time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.users[userID]
	u.password = password
	u.id.PasswordChangedAt = at
	a.users[userID] = u
}

// ActiveCalls returns how many times Active was called.
func (a *Accounts) ActiveCalls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.activeCalls
}

// VerifyCalls returns how many times VerifyPassword was called.
func (a *Accounts) VerifyCalls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.verifyCalls
}

// ErrDown is a ready-made infrastructure failure for tests.
var ErrDown = errors.New("accounts unavailable")

// VerifyPassword checks an e-mail and password.
func (a *Accounts) VerifyPassword(_ context.Context, email, password string) (ports.Identity, bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.verifyCalls++
	if a.Err != nil {
		return ports.Identity{}, false, a.Err
	}
	for _, u := range a.users {
		if u.email == email && u.live && u.password == password {
			return u.id, true, nil
		}
	}
	return ports.Identity{}, false, nil
}

// Active returns a live user's identity.
func (a *Accounts) Active(_ context.Context, userID int64) (ports.Identity, bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.activeCalls++
	if a.Err != nil {
		return ports.Identity{}, false, a.Err
	}
	u, ok := a.users[userID]
	if !ok || !u.live {
		return ports.Identity{}, false, nil
	}
	return u.id, true, nil
}

// LockActive is Active; the fake's mutex already serialises callers.
func (a *Accounts) LockActive(ctx context.Context, userID int64) (ports.Identity, bool, error) {
	return a.Active(ctx, userID)
}
