package main

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/fx"

	"vms/app/wiring"
	"vms/platform"
	"vms/platform/config"
	"vms/platform/httpserver"
	"vms/platform/principal"
)

// testConfig is a development configuration in a temp folder with the given overrides.
func testConfig(t *testing.T, overrides map[string]string) config.Config {
	t.Helper()
	vars := map[string]string{
		"DATA_DIR":   t.TempDir(),
		"HTTP_ADDR":  "127.0.0.1:0",
		"JWT_SECRET": strings.Repeat("s", 40),
		"LOG_LEVEL":  "error",
	}
	for k, v := range overrides {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return cfg
}

// TestAppGraphIsComplete checks that every constructor of the full application finds its
// dependencies, without running any of them.
func TestAppGraphIsComplete(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"sqlite":           nil,
		"metrics listener": {"METRICS_ADDR": "127.0.0.1:0"},
		"postgres url":     {"DATABASE_URL": "postgres://vms@127.0.0.1:1/vms?sslmode=disable"},
	} {
		t.Run(name, func(t *testing.T) {
			if err := fx.ValidateApp(wiring.Options(testConfig(t, env)), fx.NopLogger); err != nil {
				t.Fatalf("fx graph: %v", err)
			}
		})
	}
}

type noAuth struct{}

func (noAuth) Authenticate(*http.Request, bool) (principal.Principal, error) {
	return principal.Principal{}, errors.New("no authenticator in this test")
}

// TestPlatformGraphIsComplete checks the platform on its own: everything it needs from the
// modules is the authenticator.
func TestPlatformGraphIsComplete(t *testing.T) {
	err := fx.ValidateApp(
		fx.Supply(testConfig(t, nil)),
		platform.Module,
		fx.Provide(func() httpserver.Authenticator { return noAuth{} }),
		fx.NopLogger,
	)
	if err != nil {
		t.Fatalf("fx graph: %v", err)
	}
}
