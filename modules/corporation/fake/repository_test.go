package fake_test

import (
	"testing"

	"vms/modules/corporation/fake"
	"vms/modules/corporation/ports/repotest"
	"vms/platform/database/uowtest"
)

func TestRepositoryContract(t *testing.T) {
	repotest.Run(t, func(t *testing.T) repotest.Env {
		r := fake.NewRepository()
		return repotest.Env{Repo: r, UoW: &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{r}}}
	})
}

func TestRepositoryRollback(t *testing.T) {
	r := fake.NewRepository()
	repotest.RunRollback(t, repotest.Env{Repo: r, UoW: &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{r}}})
}
