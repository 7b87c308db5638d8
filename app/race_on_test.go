//go:build race

package main

// raceEnabled lets the binary tests build with the same flags as the test, so the
// compiled packages come from the build cache.
const raceEnabled = true
