// Package service holds the auth module's use cases: login, refresh, logout, session
// listing, request authentication and playback tokens.
package service

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"vms/modules/auth/ports"
)

// Service runs the sign-in use cases.
type Service struct {
	accounts   ports.Accounts
	sessions   ports.Sessions
	uow        ports.UnitOfWork
	signer     ports.TokenSigner
	clock      ports.Clock
	byEmail    *Limiter
	byIP       *Limiter
	refreshTTL time.Duration
}

// New builds the service. refreshTTL is the lifetime of each refresh token.
func New(accounts ports.Accounts, sessions ports.Sessions, uow ports.UnitOfWork, signer ports.TokenSigner, clock ports.Clock, refreshTTL time.Duration) *Service {
	return &Service{
		accounts:   accounts,
		sessions:   sessions,
		uow:        uow,
		signer:     signer,
		clock:      clock,
		byEmail:    NewLimiter(clock, MaxFailuresPerEmail, LoginWindow, MaxLimiterKeys),
		byIP:       NewLimiter(clock, MaxFailuresPerIP, LoginWindow, MaxLimiterKeys),
		refreshTTL: refreshTTL,
	}
}

// newRefreshToken returns a fresh opaque refresh token (256 random bits, base64url) and
// the hash under which it is stored.
func newRefreshToken() (token, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken is the stored form of a refresh token: SHA-256, hex. A fast hash is enough
// because the token carries 256 bits of entropy.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newFamilyID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
