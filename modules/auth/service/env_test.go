package service_test

import (
	"testing"
	"time"

	"vms/modules/auth/adapters/jwttoken"
	"vms/modules/auth/fake"
	"vms/modules/auth/ports"
	"vms/modules/auth/service"
	"vms/platform/clock"
)

const (
	refreshTTL = 336 * time.Hour
	adminPW    = "admin-password"
	guestPW    = "guest-password"
)

var (
	t0     = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	admin  = ports.Identity{UserID: 1, CorporationID: 10, Role: "admin"}
	guest  = ports.Identity{UserID: 2, CorporationID: 10, Role: "guest"}
	other  = ports.Identity{UserID: 3, CorporationID: 20, Role: "admin"}
	secret = []byte("0123456789abcdef0123456789abcdef-test")
)

type env struct {
	svc      *service.Service
	auth     *service.Authenticator
	events   *service.AccountEvents
	cache    *service.ActiveCache
	store    *fake.Store
	accounts *fake.Accounts
	clock    *clock.Fake
	signer   *jwttoken.Signer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clock := clock.NewFake(t0)
	signer, err := jwttoken.NewSigner(secret, 15*time.Minute, clock)
	if err != nil {
		t.Fatal(err)
	}
	store := fake.NewStore()
	accounts := fake.NewAccounts()
	accounts.Add(admin, "admin@acme.example", adminPW)
	accounts.Add(guest, "guest@acme.example", guestPW)
	accounts.Add(other, "boss@other.example", adminPW)
	cache := service.NewActiveCache(clock, service.ActiveCacheTTL, 100)
	return &env{
		svc:      service.New(accounts, store, store, signer, clock, refreshTTL),
		auth:     service.NewAuthenticator(accounts, signer, cache, nil),
		events:   service.NewAccountEvents(store, store, cache, clock),
		cache:    cache,
		store:    store,
		accounts: accounts,
		clock:    clock,
		signer:   signer,
	}
}
