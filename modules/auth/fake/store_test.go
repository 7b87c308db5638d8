package fake_test

import (
	"testing"

	"vms/modules/auth/fake"
	"vms/modules/auth/ports/porttest"
)

func TestStoreContract(t *testing.T) {
	porttest.Sessions(t, func(t *testing.T) porttest.Subject {
		s := fake.NewStore()
		return porttest.Subject{Sessions: s, UoW: s, UserA: 1, UserB: 2}
	})
}
