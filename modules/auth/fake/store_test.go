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

func TestKeysContract(t *testing.T) {
	repotest.APIKeys(t, func(t *testing.T) repotest.KeySubject {
		k := fake.NewKeys()
		return repotest.KeySubject{Keys: k, UoW: k, CorpA: 1, CorpB: 2}
	})
}
