package main

import (
	"context"
	"fmt"
	"os"

	"vms/platform/config"
	"vms/platform/database"
)

func migrate(cfg config.Config, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "vms: usage: vms migrate up|down|status")
		return 2
	}
	db, err := database.Open(cfg.DatabaseURL, database.Options{MaxOpenConns: 2})
	if err != nil {
		fmt.Fprintln(os.Stderr, "vms:", err)
		return 1
	}
	defer db.Close()
	p, err := db.Migrator()
	if err != nil {
		fmt.Fprintln(os.Stderr, "vms:", err)
		return 1
	}
	ctx := context.Background()
	switch args[0] {
	case "up":
		res, err := p.Up(ctx)
		for _, r := range res {
			fmt.Println("applied", r.Source.Path)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "vms: migrate up:", err)
			return 1
		}
		jobs, err := db.MigrateJobs(ctx)
		for _, v := range jobs {
			fmt.Println("applied job tables version", v)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "vms: migrate up:", err)
			return 1
		}
		if len(res) == 0 && len(jobs) == 0 {
			fmt.Println("schema is up to date")
		}
	case "down":
		r, err := p.Down(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vms: migrate down:", err)
			return 1
		}
		fmt.Println("rolled back", r.Source.Path)
	case "status":
		st, err := p.Status(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vms: migrate status:", err)
			return 1
		}
		for _, s := range st {
			fmt.Printf("%-8s %s\n", s.State, s.Source.Path)
		}
	default:
		fmt.Fprintf(os.Stderr, "vms: unknown migrate command %q (want up, down or status)\n", args[0])
		return 2
	}
	return 0
}
