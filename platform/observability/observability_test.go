package observability

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"vms/platform/config"
)

func TestLoggerFormatAndLevel(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(config.Config{LogLevel: "warn", LogFormat: "json"}, &buf)
	log.Info("hidden")
	log.Warn("shown", "k", "v")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("not one JSON line: %q", buf.String())
	}
	if line["msg"] != "shown" || line["k"] != "v" || line["level"] != "WARN" {
		t.Fatalf("line %v", line)
	}

	buf.Reset()
	log = newLogger(config.Config{LogLevel: "debug", LogFormat: "text"}, &buf)
	log.Debug("details", "n", 1)
	if out := buf.String(); !strings.Contains(out, "level=DEBUG") || !strings.Contains(out, "msg=details") {
		t.Fatalf("text output %q", out)
	}
}

func TestRegistryHasRuntimeCollectors(t *testing.T) {
	families, err := NewRegistry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range families {
		names[f.GetName()] = true
	}
	for _, want := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if !names[want] {
			t.Errorf("registry lacks %s", want)
		}
	}
}
