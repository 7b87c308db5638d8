package fake_test

import (
	"testing"

	"vms/modules/user/fake"
	"vms/modules/user/ports/repotest"
	"vms/platform/database/uowtest"
)

func newEnv(*testing.T) repotest.Env {
	r := fake.NewRepository()
	var next int64
	return repotest.Env{Repo: r, UoW: &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{r}}, NewCorporation: func(*testing.T) int64 { next++; return next }}
}

func TestRepositoryContract(t *testing.T) { repotest.Run(t, newEnv) }

func TestRepositoryRollback(t *testing.T) { repotest.RunRollback(t, newEnv(t)) }
