// Package ports declares what the auth module needs: the accounts it checks, where it
// keeps sessions, how it signs tokens, a unit of work and a clock.
package ports

import (
	"context"
	"time"
)

// Identity is what the auth module knows of a user.
type Identity struct {
	UserID        int64
	CorporationID int64
	Role          string
	// PasswordChangedAt is when the user's password last changed; zero means never.
	// Tokens issued before it are refused.
	PasswordChangedAt time.Time
}

// Accounts looks up users for authentication. The user module implements it.
type Accounts interface {
	// VerifyPassword checks the password of the live user with this e-mail in a live
	// corporation. ok is false for an unknown e-mail, a wrong password or a deleted
	// user or corporation; the work done is the same in each case (a dummy hash is
	// checked when the e-mail is unknown). err is only for infrastructure failures.
	VerifyPassword(ctx context.Context, email, password string) (id Identity, ok bool, err error)
	// Active returns the identity of a live user of a live corporation; ok is false otherwise.
	Active(ctx context.Context, userID int64) (id Identity, ok bool, err error)
	// LockActive is Active inside the caller's unit of work, after locking the user's row
	// until that transaction ends. A password change locks the row too, so a refresh or
	// sign-in that issues tokens under this lock commits wholly before the change (and
	// the change then revokes its session) or wholly after it (and sees it).
	LockActive(ctx context.Context, userID int64) (id Identity, ok bool, err error)
}
