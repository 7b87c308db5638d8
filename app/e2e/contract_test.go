package e2e

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"vms/app/apptest"
	"vms/app/docs"
)

// TestMain runs the tests; with CONTRACT_COVERAGE=file it then writes which documented
// operations and statuses the tests' traffic reached (every exchange is checked against
// app/docs/openapi.json by apptest) and which operations it did not reach.
func TestMain(m *testing.M) {
	code := m.Run()
	if path := os.Getenv("CONTRACT_COVERAGE"); path != "" {
		if err := writeContractCoverage(path); err != nil {
			fmt.Fprintln(os.Stderr, "contract coverage:", err)
			code = 1
		}
	}
	os.Exit(code)
}

func writeContractCoverage(path string) error {
	c, err := apptest.Contract()
	if err != nil {
		return err
	}
	seen := c.Seen()
	keys := make([]string, 0, len(seen))
	total := 0
	for k, n := range seen {
		keys = append(keys, fmt.Sprintf("%-60s %5d", k, n))
		total += n
	}
	sort.Strings(keys)
	missing, err := c.Missing(docs.OpenAPI3)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "checked %d exchanges, %d operation×status pairs\n\n%s\n\noperations not reached (%d):\n  %s\n",
		total, len(seen), strings.Join(keys, "\n"), len(missing), strings.Join(missing, "\n  "))
	return os.WriteFile(path, []byte(b.String()), 0o600) //nolint:gosec // G703: the path is CONTRACT_COVERAGE, named by whoever runs the tests
}
