package fake_test

import (
	"sync/atomic"
	"testing"

	"vms/modules/usage/fake"
	"vms/modules/usage/ports/repotest"
	"vms/platform/database/uowtest"
)

func env() repotest.Env {
	r := fake.NewRepository()
	var ids atomic.Int64
	return repotest.Env{
		Repo:        r,
		UoW:         &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{r}},
		Corporation: func(*testing.T) int64 { return ids.Add(1) },
		Video:       func(*testing.T, int64) int64 { return ids.Add(1) },
	}
}

func TestRepositoryContract(t *testing.T) {
	repotest.Run(t, func(*testing.T) repotest.Env { return env() })
}

func TestRepositoryRollback(t *testing.T) {
	repotest.RunRollback(t, env())
}
