package service

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
	"vms/platform/kind"
	"vms/platform/principal"
)

// Keys runs the API key use cases: an admin user creates, lists and revokes the keys of
// its corporation, and requests authenticate with them.
type Keys struct {
	repo  ports.APIKeys
	uow   ports.UnitOfWork
	clock ports.Clock
	cache *KeyCache
	used  *LastUsed
}

// NewKeys builds the use cases.
func NewKeys(repo ports.APIKeys, uow ports.UnitOfWork, clock ports.Clock, cache *KeyCache, used *LastUsed) *Keys {
	return &Keys{repo: repo, uow: uow, clock: clock, cache: cache, used: used}
}

// NewKeyInput is what a new key is made from. ExpiresAt is an RFC 3339 time or a
// YYYY-MM-DD date (midnight UTC); empty means the key never expires.
type NewKeyInput struct {
	Name      string
	Scopes    []string
	ExpiresAt string
}

// Create makes a key for the caller's corporation and returns it with the key itself,
// which is shown this once and stored only as a hash.
func (k *Keys) Create(ctx context.Context, caller principal.Principal, in NewKeyInput) (domain.APIKey, string, error) {
	if err := adminUser(caller); err != nil {
		return domain.APIKey{}, "", err
	}
	now := k.clock.Now()
	key, err := checkNewKey(in, now)
	if err != nil {
		return domain.APIKey{}, "", err
	}
	secret, err := newAPIKey()
	if err != nil {
		return domain.APIKey{}, "", err
	}
	key.CorporationID = caller.CorporationID
	key.Hash = HashToken(secret)
	key.Prefix = secret[:domain.DisplayPrefixLength]
	key.CreatedAt = now
	err = k.uow.Do(ctx, func(ctx context.Context) error {
		key, err = k.repo.Create(ctx, key)
		return err
	})
	if err != nil {
		return domain.APIKey{}, "", fmt.Errorf("create API key: %w", err)
	}
	return key, secret, nil
}

// List returns a page of the caller's corporation's keys, revoked and expired ones
// included. Uses this replica has not written yet are written first, so last_used_at is
// current for them.
func (k *Keys) List(ctx context.Context, caller principal.Principal, afterID int64, limit int) ([]domain.APIKey, error) {
	if err := adminUser(caller); err != nil {
		return nil, err
	}
	if err := k.used.Flush(ctx); err != nil {
		slog.WarnContext(ctx, "write API key last use", "err", err)
	}
	list, err := k.repo.List(ctx, caller.CorporationID, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	return list, nil
}

// Revoke revokes a key of the caller's corporation. This replica refuses the key from
// the moment the revocation is written (before it commits); other replicas within
// KeyCacheTTL. Revoking a revoked key succeeds and keeps its first revocation time.
func (k *Keys) Revoke(ctx context.Context, caller principal.Principal, id int64) error {
	if err := adminUser(caller); err != nil {
		return err
	}
	now := k.clock.Now()
	err := k.uow.Do(ctx, func(ctx context.Context) error {
		if err := k.repo.Revoke(ctx, caller.CorporationID, id, now); err != nil {
			return err
		}
		k.cache.Revoked(id)
		return nil
	})
	if err != nil && kind.Of(err) != kind.NotFound {
		return fmt.Errorf("revoke API key: %w", err)
	}
	return err
}

// adminUser lets only an admin user manage keys: a key never manages keys, whatever its
// scopes.
func adminUser(caller principal.Principal) error {
	if caller.IsKey() || caller.Role != principal.RoleAdmin {
		return domain.ErrKeysAdminOnly
	}
	return nil
}

// checkNewKey validates the input and returns the key it describes: the name trimmed,
// the scopes known, without repeats and in canonical order, the expiry in the future.
func checkNewKey(in NewKeyInput, now time.Time) (domain.APIKey, error) {
	fields := map[string]string{}
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		fields["name"] = "is required"
	case utf8.RuneCountInString(name) > domain.MaxKeyNameLength || !utf8.ValidString(name):
		fields["name"] = fmt.Sprintf("must be at most %d characters", domain.MaxKeyNameLength)
	}
	var set principal.Scopes
	var unknown []string
	for _, s := range in.Scopes {
		sc, ok := principal.ParseScope(s)
		if !ok {
			unknown = append(unknown, fmt.Sprintf("%q", s))
			continue
		}
		set |= principal.ScopesOf(sc)
	}
	switch {
	case len(unknown) > 0:
		fields["scopes"] = "has unknown scopes " + strings.Join(unknown, ", ") + "; the scopes are " + strings.Join(principal.ScopesOf(principal.AllScopes()...).Names(), ", ")
	case set.Len() == 0:
		fields["scopes"] = "must name at least one scope"
	}
	var expires *time.Time
	if in.ExpiresAt != "" {
		t, err := parseExpiry(in.ExpiresAt)
		switch {
		case err != nil:
			fields["expires_at"] = "must be an RFC 3339 time or a YYYY-MM-DD date"
		case !t.After(now):
			fields["expires_at"] = "must be in the future"
		default:
			expires = &t
		}
	}
	if len(fields) > 0 {
		return domain.APIKey{}, kind.InvalidFields(fields)
	}
	return domain.APIKey{Name: name, Scopes: set.Names(), ExpiresAt: expires}, nil
}

// parseExpiry reads an RFC 3339 time or a YYYY-MM-DD date (midnight UTC), in UTC.
func parseExpiry(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, err
	}
	return t, nil
}

var keyEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newAPIKey returns a fresh key: KeyPrefix and KeyRandomBytes random bytes in lower-case
// base32.
func newAPIKey() (string, error) {
	var b [domain.KeyRandomBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("API key: %w", err)
	}
	return domain.KeyPrefix + keyEncoding.EncodeToString(b[:]), nil
}
