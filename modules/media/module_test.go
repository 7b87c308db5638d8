package media_test

import (
	"bytes"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"go.uber.org/fx"

	"vms/modules/media"
	"vms/modules/media/fake"
	"vms/platform/config"
)

func newService(t *testing.T, mode, ffprobe string) (enabled bool, logs string, err error) {
	t.Helper()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	svc, err := media.NewService(media.ServiceParams{
		In:     fx.In{},
		Config: config.Config{MediaProcessing: mode, FFprobePath: ffprobe, FFmpegPath: "ffmpeg"},
		Log:    log, Repo: fake.NewRepository(), Files: fake.NewFiles(), Queue: &fake.Queue{}, UoW: fake.UoW{},
	})
	if err != nil {
		return false, buf.String(), err
	}
	return svc.Enabled(), buf.String(), nil
}

func TestMissingToolsWarnOnceInAutoMode(t *testing.T) {
	enabled, logs, err := newService(t, "auto", "/nonexistent/ffprobe")
	if err != nil {
		t.Fatalf("auto without ffprobe must start: %v", err)
	}
	if enabled {
		t.Fatal("processing enabled without ffprobe")
	}
	if n := strings.Count(logs, "level=WARN"); n != 1 || !strings.Contains(logs, "media processing off") {
		t.Fatalf("want one warning, got:\n%s", logs)
	}
}

func TestMissingToolsStopStartWhenRequired(t *testing.T) {
	_, _, err := newService(t, "required", "/nonexistent/ffprobe")
	var se *config.SettingError
	if !errors.As(err, &se) || se.Name != "MEDIA_PROCESSING" || !strings.Contains(err.Error(), "/nonexistent/ffprobe") {
		t.Fatalf("err = %v, want a SettingError naming MEDIA_PROCESSING and the path", err)
	}
}

func TestOffNeverProcessesAndDoesNotWarn(t *testing.T) {
	enabled, logs, err := newService(t, "off", "ffprobe")
	if err != nil || enabled || strings.Contains(logs, "WARN") {
		t.Fatalf("off: enabled=%v err=%v logs=%s", enabled, err, logs)
	}
}

// The service encodes the ladder of HLS_LADDER.
func TestServiceGetsTheLadder(t *testing.T) {
	svc, err := media.NewService(media.ServiceParams{
		Config: config.Config{MediaProcessing: "off", HLSLadder: []int{240, 480}},
		Log:    slog.New(slog.DiscardHandler), Repo: fake.NewRepository(), Files: fake.NewFiles(), Queue: &fake.Queue{}, UoW: fake.UoW{},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(svc.Ladder, []int{240, 480}) {
		t.Fatalf("ladder = %v", svc.Ladder)
	}
}

func TestToolsFoundEnableProcessing(t *testing.T) {
	enabled, _, err := newService(t, "auto", "ffprobe")
	if err != nil {
		t.Fatal(err)
	}
	if !enabled {
		t.Fatal("auto with ffprobe and ffmpeg on PATH did not enable processing (is ffmpeg installed?)")
	}
}
