// Command vms is a self-hostable, multi-tenant video management server.
//
//	@title						vms API
//	@version					1.0
//	@description				Multi-tenant video management: corporations, users, videos, streaming with ranges, view logs and points, webhooks.
//	@description				Errors are application/problem+json (RFC 9457); validation failures list each field in "errors". Lists take limit (1-100, default 20) and cursor, and announce the next page in a Link header with rel="next".
//	@BasePath					/
//
//	@tag.name			corporations
//	@tag.description	Tenants: sign-up with the first admin, reads, plan changes, deletion.
//	@tag.name			users
//	@tag.description	Users of the caller's corporation and their points.
//	@tag.name			auth
//	@tag.description	Sign-in, refresh-token rotation, sign-out, the current user.
//	@tag.name			tokens
//	@tag.description	Refresh-token sessions of a user, for admins.
//	@tag.name			api-keys
//	@tag.description	Scoped API keys for automation, managed by admin users. A key (Authorization: Bearer vms_…) acts for its corporation with an admin's rights narrowed to its scopes: videos:read, videos:write (uploads included), users:read, users:write, webhooks:write, analytics:read. Keys never stream, view or earn points, and never manage keys or sessions: those routes answer 403 to a key, as does a route outside its scopes (the problem names the missing scope).
//	@tag.name			videos
//	@tag.description	Uploads, source URLs, media facts and posters, streaming with ranges, HLS renditions, playback URLs, delete and restore.
//	@tag.name			uploads
//	@tag.description	Resumable uploads (tus 1.0) that become videos.
//	@tag.name			view-logs
//	@tag.description	Views of videos; the first view of each video credits points.
//	@tag.name			webhooks
//	@tag.description	Signed event notifications (Standard Webhooks) to your endpoints: endpoints, event types and their bodies, deliveries and retries.
//	@tag.name			health
//	@tag.description	Liveness and readiness probes.
//
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				"Bearer " followed by the access token from POST /v1/auth/login, or by an API key (vms_…) from POST /v1/api-keys.
//
//	@securityDefinitions.apikey	PlaybackToken
//	@in							query
//	@name						token
//	@description				The token of a playback URL from GET /v1/videos/{id}/playback; only the stream route accepts it.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"syscall"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"vms/app/wiring"
	"vms/platform/config"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

const usage = "usage: vms [serve | migrate up|down|status | healthcheck]"

func run(args []string) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
		args = args[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Println(usage)
		return 0
	case "healthcheck":
		return healthcheck(os.Getenv("HTTP_ADDR"))
	case "serve", "migrate":
	default:
		fmt.Fprintf(os.Stderr, "vms: unknown command %q; %s\n", cmd, usage)
		return 2
	}
	cfg, err := config.FromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "vms:", err)
		return 2
	}
	if cmd == "migrate" {
		return migrate(cfg, args)
	}
	return serve(cfg)
}

func serve(cfg config.Config) int {
	app := fx.New(
		wiring.Options(cfg),
		fx.WithLogger(func() fxevent.Logger { return fxevent.NopLogger }),
		fx.StartTimeout(60*time.Second),
	)
	// Listen for signals before starting, so one that arrives while the listener is
	// already open still shuts down gracefully instead of killing the process.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sig)
	startCtx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		fmt.Fprintln(os.Stderr, "vms:", rootCause(err))
		return 1
	}
	<-sig
	signal.Stop(sig)
	stopCtx, cancelStop := context.WithTimeout(context.Background(), cfg.ShutdownTimeout+10*time.Second)
	defer cancelStop()
	if err := app.Stop(stopCtx); err != nil {
		fmt.Fprintln(os.Stderr, "vms: shutdown:", err)
		return 1
	}
	return 0
}

// rootCause drops fx's and dig's wrapping so a start-up failure reads as one line: the
// outermost error that the application itself produced, which names the setting or the
// operation that failed.
func rootCause(err error) string {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if !fromWiring(e) {
			return e.Error()
		}
	}
	return err.Error()
}

func fromWiring(err error) bool {
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	p := t.PkgPath()
	return strings.HasPrefix(p, "go.uber.org/fx") || strings.HasPrefix(p, "go.uber.org/dig")
}
