package fake_test

import (
	"testing"

	"vms/modules/auth/fake"
	"vms/modules/auth/ports/repotest"
)

func TestStoreContract(t *testing.T) {
	repotest.Sessions(t, func(t *testing.T) repotest.Subject {
		s := fake.NewStore()
		return repotest.Subject{Sessions: s, UoW: s, UserA: 1, UserB: 2}
	})
}
