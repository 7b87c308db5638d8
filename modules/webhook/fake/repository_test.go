package fake_test

import (
	"testing"

	"vms/modules/webhook/fake"
	"vms/modules/webhook/ports/repotest"
	"vms/platform/database/uowtest"
)

func TestRepositoryContract(t *testing.T) {
	repotest.Run(t, func(*testing.T) repotest.Env {
		r := fake.NewRepository()
		return repotest.Env{Repo: r, UoW: &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{r}}, CorpA: 1, CorpB: 2}
	})
}
