package fake

import (
	"context"
	"errors"
	"sync"

	"vms/modules/usage/ports"
)

var errDuplicate = errors.New("a reservation with this key exists")

// Plans is a ports.Plans over a set of paid corporations.
type Plans struct {
	mu   sync.Mutex
	paid map[int64]bool
}

var _ ports.Plans = (*Plans)(nil)

// NewPlans returns plans where the given corporations are paid.
func NewPlans(paid ...int64) *Plans {
	p := &Plans{paid: map[int64]bool{}}
	for _, id := range paid {
		p.paid[id] = true
	}
	return p
}

// SetPaid changes a corporation's plan.
func (p *Plans) SetPaid(id int64, paid bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paid[id] = paid
}

// IsPaid tells whether the corporation is paid.
func (p *Plans) IsPaid(_ context.Context, id int64) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paid[id], nil
}
