package service

import (
	"context"
	"errors"
	"fmt"

	"vms/modules/auth/domain"
	"vms/modules/corporation/corporationevents"
	"vms/platform/principal"
)

// Authenticate turns a Bearer API key into the request's principal: the key's corporation
// and scopes. The key is looked up by its hash, through the key cache; a malformed or
// unknown key, a revoked one and an expired one are refused (401). The use is noted for
// last_used_at, which is written later and at most once a minute.
func (k *Keys) Authenticate(ctx context.Context, token string) (principal.Principal, error) {
	if !domain.WellFormedKey(token) {
		return principal.Principal{}, domain.ErrKeyNotValid
	}
	hash := HashToken(token)
	key, ok := k.cache.Get(hash)
	if !ok {
		stored, err := k.repo.FindByHash(ctx, hash)
		if errors.Is(err, domain.ErrKeyNotFound) {
			return principal.Principal{}, domain.ErrKeyNotValid
		}
		if err != nil {
			return principal.Principal{}, fmt.Errorf("authenticate API key: %w", err)
		}
		key = k.cache.Put(hash, stored)
	}
	now := k.clock.Now()
	switch {
	case key.Revoked:
		return principal.Principal{}, domain.ErrKeyRevoked
	case key.ExpiresAt != nil && !now.Before(*key.ExpiresAt):
		return principal.Principal{}, domain.ErrKeyExpired
	}
	k.used.Touch(key.ID, now)
	return principal.Principal{Kind: principal.KindAPIKey, KeyID: key.ID, CorporationID: key.CorporationID, Scopes: key.Scopes}, nil
}

// CorporationDeleted revokes every key of the corporation inside the deleting unit of
// work, and refuses them on this replica at once.
func (k *Keys) CorporationDeleted(ctx context.Context, e corporationevents.CorporationDeleted) error {
	k.cache.CorporationGone(e.CorporationID)
	now := k.clock.Now()
	err := k.uow.Do(ctx, func(ctx context.Context) error {
		_, err := k.repo.RevokeCorporation(ctx, e.CorporationID, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke API keys of corporation %d: %w", e.CorporationID, err)
	}
	return nil
}
