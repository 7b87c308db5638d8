// Command vms is a self-hostable, multi-tenant video management server.
//
//	@title						vms API
//	@version					1.0
//	@description				Multi-tenant video management: corporations, users, videos, streaming with ranges, view logs and points.
//	@BasePath					/
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				"Bearer " followed by the access token from POST /v1/auth/login.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"vms/app/bootstrap"
	"vms/platform/config"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
		args = args[1:]
	}
	cfg, err := config.FromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "vms:", err)
		return 2
	}
	switch cmd {
	case "serve":
		return serve(cfg)
	case "migrate":
		return migrate(cfg, args)
	case "help", "-h", "--help":
		fmt.Println("usage: vms [serve | migrate up|down|status]")
		return 0
	default:
		fmt.Fprintf(os.Stderr, "vms: unknown command %q (want serve or migrate)\n", cmd)
		return 2
	}
}

func serve(cfg config.Config) int {
	app := fx.New(
		bootstrap.Options(cfg),
		fx.WithLogger(func() fxevent.Logger { return fxevent.NopLogger }),
		fx.StartTimeout(60*time.Second),
	)
	startCtx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		fmt.Fprintln(os.Stderr, "vms:", rootCause(err))
		return 1
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
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

// rootCause strips fx's wrapping so start-up failures read as one line.
func rootCause(err error) string {
	for {
		next := unwrapOne(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

func unwrapOne(err error) error {
	u, ok := err.(interface{ Unwrap() error })
	if !ok {
		return nil
	}
	return u.Unwrap()
}
