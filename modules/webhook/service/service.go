// Package service holds the webhook module's use cases: managing endpoints, writing
// events to the outbox in the unit of work of the change that makes them, delivering
// them (one attempt per job run) and the deliveries list with its manual retry.
package service

import (
	"vms/modules/webhook/domain"
	"vms/modules/webhook/ports"
	"vms/platform/principal"
)

// Deps are the ports the use cases run against.
type Deps struct {
	Repo   ports.Repository
	Queue  ports.Queue
	Sender ports.Sender
	URLs   ports.URLCheck
	Videos ports.Videos
	UoW    ports.UnitOfWork
	Clock  ports.Clock
	// Relay is woken after a change that wrote deliveries commits (see Relay).
	Relay ports.Waker
}

// Service holds the webhook use cases.
type Service struct {
	Deps
	outbox *Outbox
}

// New builds the service.
func New(d Deps) *Service {
	return &Service{Deps: d, outbox: NewOutbox(d)}
}

// authorize tells whether the caller may manage the webhooks of its corporation: admins
// may. This is the one place that decides it; API keys will be admitted here when they
// carry the webhooks:write scope.
func authorize(caller principal.Principal) error {
	if caller.CorporationID == 0 || !caller.IsAdmin() {
		return domain.ErrForbidden
	}
	return nil
}
