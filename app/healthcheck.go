package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// healthcheck asks the server on this machine whether it is ready (GET /readyz) and exits
// 0 when it answers 200. Container images without a shell use it as their health check.
func healthcheck(httpAddr string) int {
	if httpAddr == "" {
		httpAddr = ":8080"
	}
	host, port, err := net.SplitHostPort(httpAddr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vms: setting HTTP_ADDR:", err)
		return 2
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	client := &http.Client{Timeout: 3 * time.Second}
	res, err := client.Get("http://" + net.JoinHostPort(host, port) + "/readyz") //nolint:gosec // G704: the address is this server's own HTTP_ADDR
	if err != nil {
		fmt.Fprintln(os.Stderr, "vms: healthcheck:", err)
		return 1
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "vms: healthcheck: /readyz answered", res.Status)
		return 1
	}
	return 0
}
