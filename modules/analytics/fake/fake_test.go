package fake_test

import (
	"testing"

	"vms/modules/analytics/fake"
	"vms/modules/analytics/ports/repotest"
	"vms/platform/database/uowtest"
)

func TestRepositoryContract(t *testing.T) {
	repotest.Run(t, func(t *testing.T) repotest.Env {
		r := fake.NewRepository()
		r.Videos = map[int64]bool{1: true, 2: true}
		r.Users = map[int64]bool{10: true, 11: true}
		return repotest.Env{
			Repo: r, UoW: &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{r}},
			VideoA: 1, VideoB: 2, UserA: 10, UserB: 11, GoneVideo: 3, GoneUser: 12,
		}
	})
}
