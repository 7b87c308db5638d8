package fake_test

import (
	"testing"

	"vms/modules/video/fake"
	"vms/modules/video/ports/repotest"
)

func TestFakeRepositoriesMeetContract(t *testing.T) {
	repotest.Run(t, func(t *testing.T) repotest.Env {
		return repotest.Env{Videos: fake.NewVideos(), ViewLogs: fake.NewViewLogs(), UoW: &fake.UnitOfWork{}, CorpA: 1, CorpB: 2, UserA: 10, UserB: 20}
	})
}
