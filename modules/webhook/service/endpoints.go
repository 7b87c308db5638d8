package service

import (
	"context"
	"fmt"
	"maps"

	"vms/modules/webhook/domain"
	"vms/platform/kind"
	"vms/platform/principal"
)

// EndpointInput is what a client sends to create or change an endpoint; nil fields are
// absent (on a change: left as they are).
type EndpointInput struct {
	URL         *string
	Events      []string
	Description *string
	Enabled     *bool
}

// Create adds an endpoint to the caller's corporation, enabled unless Enabled is false,
// with a new signing secret (returned here only).
func (s *Service) Create(ctx context.Context, caller principal.Principal, in EndpointInput) (domain.Endpoint, error) {
	if err := authorize(caller); err != nil {
		return domain.Endpoint{}, err
	}
	e := domain.Endpoint{CorporationID: caller.CorporationID, Enabled: true, Secret: domain.NewSecret()}
	missing := map[string]string{}
	if in.URL == nil {
		missing["url"] = "is required"
	}
	if in.Events == nil {
		missing["events"] = "is required"
	}
	if len(missing) > 0 {
		return domain.Endpoint{}, kind.NewFields(kind.Invalid, "request has missing fields", missing)
	}
	if err := s.apply(ctx, &e, in); err != nil {
		return domain.Endpoint{}, err
	}
	now := s.Clock.Now()
	e.CreatedAt, e.UpdatedAt = now, now
	out, err := s.Repo.CreateEndpoint(ctx, e)
	if err != nil {
		return domain.Endpoint{}, fmt.Errorf("create webhook: %w", err)
	}
	return out, nil
}

// apply validates the given fields and sets them on e; errors name every bad field.
func (s *Service) apply(ctx context.Context, e *domain.Endpoint, in EndpointInput) error {
	fields := map[string]string{}
	collect := func(err error) {
		if ve, ok := err.(*kind.ValidationError); ok {
			maps.Copy(fields, ve.Fields)
		}
	}
	if in.URL != nil {
		u, err := domain.ParseURL(*in.URL)
		if err != nil {
			collect(err)
		} else if err := s.URLs.CheckURL(ctx, u.String()); err != nil {
			if kind.Of(err) != kind.Invalid {
				return err
			}
			collect(err)
		} else {
			e.URL = u.String()
		}
	}
	if in.Events != nil {
		evs, err := domain.ParseEvents(in.Events)
		if err != nil {
			collect(err)
		}
		e.Events = evs
	}
	if in.Description != nil {
		d, err := domain.ParseDescription(*in.Description)
		if err != nil {
			collect(err)
		}
		e.Description = d
	}
	if in.Enabled != nil {
		if *in.Enabled && !e.Enabled {
			// Enabled again by an admin: a clean slate.
			e.DisabledReason, e.FailingSince = "", nil
		}
		e.Enabled = *in.Enabled
	}
	if len(fields) > 0 {
		return kind.NamedFields("webhook", fields)
	}
	return nil
}

// Get returns an endpoint of the caller's corporation.
func (s *Service) Get(ctx context.Context, caller principal.Principal, id int64) (domain.Endpoint, error) {
	if err := authorize(caller); err != nil {
		return domain.Endpoint{}, err
	}
	return s.Repo.GetEndpoint(ctx, caller.CorporationID, id)
}

// List returns a page of the caller's corporation's endpoints, by id.
func (s *Service) List(ctx context.Context, caller principal.Principal, afterID int64, limit int) ([]domain.Endpoint, error) {
	if err := authorize(caller); err != nil {
		return nil, err
	}
	return s.Repo.ListEndpoints(ctx, caller.CorporationID, afterID, limit)
}

// Update changes the given fields of an endpoint of the caller's corporation. Enabling a
// disabled endpoint clears why it was disabled; its secret never changes.
func (s *Service) Update(ctx context.Context, caller principal.Principal, id int64, in EndpointInput) (domain.Endpoint, error) {
	if err := authorize(caller); err != nil {
		return domain.Endpoint{}, err
	}
	if in.URL == nil && in.Events == nil && in.Description == nil && in.Enabled == nil {
		const msg = "give a url, events, a description or enabled to change"
		return domain.Endpoint{}, kind.InvalidFields(map[string]string{"url": msg, "events": msg, "description": msg, "enabled": msg})
	}
	e, err := s.Repo.GetEndpoint(ctx, caller.CorporationID, id)
	if err != nil {
		return domain.Endpoint{}, err
	}
	if err := s.apply(ctx, &e, in); err != nil {
		return domain.Endpoint{}, err
	}
	e.UpdatedAt = s.Clock.Now()
	out, err := s.Repo.UpdateEndpoint(ctx, e)
	if err != nil {
		return domain.Endpoint{}, fmt.Errorf("update webhook: %w", err)
	}
	return out, nil
}

// Delete removes an endpoint of the caller's corporation with its deliveries; their
// pending jobs then find nothing to do.
func (s *Service) Delete(ctx context.Context, caller principal.Principal, id int64) error {
	if err := authorize(caller); err != nil {
		return err
	}
	return s.Repo.DeleteEndpoint(ctx, caller.CorporationID, id)
}
