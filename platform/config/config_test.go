package config

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// env turns a map into a Lookup.
func env(vars map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(env(map[string]string{"DATA_DIR": dir}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Config{
		HTTPAddr:               ":8080",
		MetricsAddr:            "",
		AppEnv:                 "development",
		DataDir:                dir,
		DatabaseURL:            "sqlite://" + filepath.ToSlash(filepath.Join(dir, "vms.db")),
		StorageURL:             "file://" + filepath.ToSlash(filepath.Join(dir, "videos")),
		JWTSecret:              c.JWTSecret,
		JWTSecretGenerated:     true,
		AccessTokenTTL:         15 * time.Minute,
		RefreshTokenTTL:        336 * time.Hour,
		PointsPerView:          10,
		PlanExpiryInterval:     time.Minute,
		MaxUploadBytes:         2 << 30,
		StreamMode:             "proxy",
		AllowPrivateSources:    false,
		TrustedProxies:         nil,
		LogLevel:               "info",
		LogFormat:              "json",
		DBMaxOpenConns:         20,
		DBMaxIdleConns:         20,
		ShutdownTimeout:        20 * time.Second,
		JobWorkers:             2,
		JobTimeout:             time.Hour,
		JobRescueAfter:         75 * time.Minute,
		MediaProcessing:        "auto",
		FFmpegPath:             "ffmpeg",
		FFprobePath:            "ffprobe",
		HLSLadder:              []int{360, 720, 1080},
		UploadExpiry:           24 * time.Hour,
		FreeStorageQuota:       10 << 30,
		PaidStorageQuota:       0,
		UsageMetering:          true,
		UsageFlushInterval:     10 * time.Second,
		Analytics:              "on",
		AnalyticsFlushInterval: 10 * time.Second,
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("defaults:\n got %+v\nwant %+v", c, want)
	}
	if len(c.JWTSecret) < 32 {
		t.Fatalf("generated secret has %d bytes, want at least 32", len(c.JWTSecret))
	}
	if c.Production() {
		t.Fatal("development config reports production")
	}
}

func TestDataDirDefault(t *testing.T) {
	c, err := Load(env(map[string]string{"JWT_SECRET": strings.Repeat("k", 32)}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.DataDir != "./data" || c.DatabaseURL != "sqlite://data/vms.db" || c.StorageURL != "file://data/videos" {
		t.Fatalf("DataDir=%q DatabaseURL=%q StorageURL=%q", c.DataDir, c.DatabaseURL, c.StorageURL)
	}
	if c.JWTSecretGenerated {
		t.Fatal("JWT_SECRET was given but the config says generated")
	}
}

func TestExplicitValues(t *testing.T) {
	c, err := Load(env(map[string]string{
		"HTTP_ADDR":                "127.0.0.1:9000",
		"METRICS_ADDR":             ":9100",
		"APP_ENV":                  "production",
		"DATA_DIR":                 t.TempDir(),
		"DATABASE_URL":             "postgres://u:p@db:5432/vms?sslmode=disable",
		"STORAGE_URL":              "s3://bucket?endpoint=http://minio:9000&region=us-east-1",
		"JWT_SECRET":               strings.Repeat("s", 40),
		"ACCESS_TOKEN_TTL":         "5m",
		"REFRESH_TOKEN_TTL":        "24h",
		"POINTS_PER_VIEW":          "3",
		"PLAN_EXPIRY_INTERVAL":     "30s",
		"MAX_UPLOAD_BYTES":         "500MiB",
		"STREAM_MODE":              "redirect",
		"ALLOW_PRIVATE_SOURCES":    "false",
		"TRUSTED_PROXIES":          "10.0.0.0/8, 172.18.0.5",
		"LOG_LEVEL":                "DEBUG",
		"LOG_FORMAT":               "text",
		"DB_MAX_OPEN_CONNS":        "5",
		"DB_MAX_IDLE_CONNS":        "2",
		"SHUTDOWN_TIMEOUT":         "3s",
		"JOB_WORKERS":              "4",
		"JOB_TIMEOUT":              "2s",
		"JOB_RESCUE_AFTER":         "3s",
		"MEDIA_PROCESSING":         "Required",
		"FFMPEG_PATH":              "/opt/ff/ffmpeg",
		"FFPROBE_PATH":             "/opt/ff/ffprobe",
		"HLS_LADDER":               "1080p, 240,720,240",
		"CORS_ORIGINS":             "https://App.example.com, http://localhost:5173",
		"UPLOAD_EXPIRY":            "90m",
		"FREE_STORAGE_QUOTA":       "0",
		"PAID_STORAGE_QUOTA":       "1TiB",
		"USAGE_METERING":           "OFF",
		"USAGE_FLUSH_INTERVAL":     "2s",
		"ANALYTICS":                "OFF",
		"ANALYTICS_FLUSH_INTERVAL": "250ms",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	wantProxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.18.0.5/32")}
	switch {
	case c.HTTPAddr != "127.0.0.1:9000", c.MetricsAddr != ":9100", !c.Production():
		t.Fatalf("addresses/env: %+v", c)
	case c.UploadExpiry != 90*time.Minute:
		t.Fatalf("UploadExpiry = %v", c.UploadExpiry)
	case c.FreeStorageQuota != 0, c.PaidStorageQuota != 1<<40, c.UsageMetering, c.UsageFlushInterval != 2*time.Second:
		t.Fatalf("usage: %+v", c)
	case c.Analytics != "off", c.AnalyticsFlushInterval != 250*time.Millisecond:
		t.Fatalf("analytics: %q %v", c.Analytics, c.AnalyticsFlushInterval)
	case c.AccessTokenTTL != 5*time.Minute, c.RefreshTokenTTL != 24*time.Hour, c.PlanExpiryInterval != 30*time.Second, c.ShutdownTimeout != 3*time.Second:
		t.Fatalf("durations: %+v", c)
	case c.PointsPerView != 3, c.MaxUploadBytes != 500<<20, c.StreamMode != "redirect", c.LogLevel != "debug", c.LogFormat != "text":
		t.Fatalf("values: %+v", c)
	case c.DBMaxOpenConns != 5, c.DBMaxIdleConns != 2, string(c.JWTSecret) != strings.Repeat("s", 40), c.JWTSecretGenerated:
		t.Fatalf("pool/secret: %+v", c)
	case c.JobWorkers != 4, c.JobTimeout != 2*time.Second, c.JobRescueAfter != 3*time.Second:
		t.Fatalf("jobs: %+v", c)
	case c.MediaProcessing != "required", c.FFmpegPath != "/opt/ff/ffmpeg", c.FFprobePath != "/opt/ff/ffprobe":
		t.Fatalf("media: %+v", c)
	case !reflect.DeepEqual(c.HLSLadder, []int{240, 720, 1080}):
		t.Fatalf("HLSLadder = %v", c.HLSLadder)
	case !reflect.DeepEqual(c.CORSOrigins, []string{"https://app.example.com", "http://localhost:5173"}):
		t.Fatalf("CORSOrigins = %v", c.CORSOrigins)
	case !reflect.DeepEqual(c.TrustedProxies, wantProxies):
		t.Fatalf("TrustedProxies = %v, want %v", c.TrustedProxies, wantProxies)
	case !reflect.DeepEqual(c.TrustedProxyStrings(), []string{"10.0.0.0/8", "172.18.0.5/32"}):
		t.Fatalf("TrustedProxyStrings = %v", c.TrustedProxyStrings())
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	cases := []struct{ name, value string }{
		{"HTTP_ADDR", "nonsense"},
		{"HTTP_ADDR", ":99999"},
		{"HTTP_ADDR", ":http"},
		{"METRICS_ADDR", "9100"},
		{"APP_ENV", "staging"},
		{"DATABASE_URL", "mysql://x"},
		{"DATABASE_URL", "sqlite://"},
		{"STORAGE_URL", "ftp://x"},
		{"STORAGE_URL", "s3://?region=x"},
		{"ACCESS_TOKEN_TTL", "abc"},
		{"ACCESS_TOKEN_TTL", "-1m"},
		{"REFRESH_TOKEN_TTL", "0"},
		{"PLAN_EXPIRY_INTERVAL", "10"},
		{"UPLOAD_EXPIRY", "a day"},
		{"ANALYTICS", "maybe"},
		{"ANALYTICS_FLUSH_INTERVAL", "0"},
		{"SHUTDOWN_TIMEOUT", "soon"},
		{"POINTS_PER_VIEW", "-1"},
		{"POINTS_PER_VIEW", "ten"},
		{"MAX_UPLOAD_BYTES", "abc"},
		{"MAX_UPLOAD_BYTES", "0"},
		{"MAX_UPLOAD_BYTES", "-5MiB"},
		{"FREE_STORAGE_QUOTA", "lots"},
		{"FREE_STORAGE_QUOTA", "-1GiB"},
		{"PAID_STORAGE_QUOTA", "GiB"},
		{"USAGE_METERING", "maybe"},
		{"USAGE_FLUSH_INTERVAL", "0"},
		{"STREAM_MODE", "x"},
		{"STREAM_MODE", "redirect"}, // needs s3 storage
		{"ALLOW_PRIVATE_SOURCES", "maybe"},
		{"ALLOW_PRIVATE_WEBHOOKS", "maybe"},
		{"TRUSTED_PROXIES", "bad"},
		{"TRUSTED_PROXIES", "10.0.0.0/8,300.1.1.1"},
		{"LOG_LEVEL", "loud"},
		{"LOG_FORMAT", "xml"},
		{"DB_MAX_OPEN_CONNS", "0"},
		{"DB_MAX_IDLE_CONNS", "many"},
		{"JWT_SECRET", "short"},
		{"JOB_WORKERS", "0"},
		{"JOB_TIMEOUT", "forever"},
		{"JOB_RESCUE_AFTER", "30m"}, // not longer than the 1h JOB_TIMEOUT
		{"MEDIA_PROCESSING", "sometimes"},
		{"HLS_LADDER", "720,abc"},
		{"HLS_LADDER", "100"},
		{"HLS_LADDER", "721"},
		{"CORS_ORIGINS", "*"},
		{"CORS_ORIGINS", "https://app.example.com/path"},
		{"CORS_ORIGINS", "ftp://files.example.com"},
	}
	for _, tc := range cases {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			_, err := Load(env(map[string]string{"DATA_DIR": t.TempDir(), tc.name: tc.value}))
			assertSettingError(t, err, tc.name)
		})
	}
}

func TestProductionRules(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(env(map[string]string{"APP_ENV": "production", "DATA_DIR": dir}))
	assertSettingError(t, err, "JWT_SECRET")
	if _, statErr := os.Stat(filepath.Join(dir, secretFile)); !errors.Is(statErr, os.ErrNotExist) {
		t.Fatalf("production without JWT_SECRET wrote a secret file: %v", statErr)
	}
	_, err = Load(env(map[string]string{"APP_ENV": "production", "DATA_DIR": dir, "JWT_SECRET": strings.Repeat("x", 32), "ALLOW_PRIVATE_SOURCES": "true"}))
	assertSettingError(t, err, "ALLOW_PRIVATE_SOURCES")
	_, err = Load(env(map[string]string{"APP_ENV": "production", "DATA_DIR": dir, "JWT_SECRET": strings.Repeat("x", 32), "ALLOW_PRIVATE_WEBHOOKS": "true"}))
	assertSettingError(t, err, "ALLOW_PRIVATE_WEBHOOKS")
	c, err := Load(env(map[string]string{"DATA_DIR": dir, "ALLOW_PRIVATE_WEBHOOKS": "true"}))
	if err != nil || !c.AllowPrivateWebhooks {
		t.Fatalf("ALLOW_PRIVATE_WEBHOOKS=true in development: %+v, %v", c.AllowPrivateWebhooks, err)
	}
}

func TestDatabaseURLPasswordIsRedacted(t *testing.T) {
	_, err := Load(env(map[string]string{"DATA_DIR": t.TempDir(), "DATABASE_URL": "mysql://root:hunter2@db/vms"}))
	assertSettingError(t, err, "DATABASE_URL")
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error reveals the password: %v", err)
	}
}

func TestGeneratedSecretIsKeptAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	first, err := Load(env(map[string]string{"DATA_DIR": dir}))
	if err != nil {
		t.Fatalf("first Load: %v", err)
	}
	if !first.JWTSecretGenerated {
		t.Fatal("secret not marked as generated")
	}
	path := filepath.Join(dir, secretFile)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("secret file: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Fatalf("secret file mode %v, want 0600", perm)
	}
	second, err := Load(env(map[string]string{"DATA_DIR": dir}))
	if err != nil {
		t.Fatalf("second Load: %v", err)
	}
	if string(second.JWTSecret) != string(first.JWTSecret) {
		t.Fatal("second load generated a new secret instead of reusing the kept one")
	}
	other, err := Load(env(map[string]string{"DATA_DIR": t.TempDir()}))
	if err != nil {
		t.Fatalf("other Load: %v", err)
	}
	if string(other.JWTSecret) == string(first.JWTSecret) {
		t.Fatal("two data folders got the same generated secret")
	}
}

func TestTooShortKeptSecretIsReplaced(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, secretFile), []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"DATA_DIR": dir}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(c.JWTSecret) < 32 {
		t.Fatalf("kept a %d-byte secret", len(c.JWTSecret))
	}
}

func TestParseBytes(t *testing.T) {
	good := map[string]int64{"1048576": 1 << 20, "2GiB": 2 << 30, "500mb": 500_000_000, "1 KiB": 1024, "7B": 7, "3TiB": 3 << 40}
	for in, want := range good {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "0", "-1", "1.5GiB", "GiB", "99999999999TiB"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) succeeded, want error", in)
		}
	}
}

func assertSettingError(t *testing.T, err error, name string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error naming %s, got none", name)
	}
	var se *SettingError
	if !errors.As(err, &se) || se.Name != name {
		t.Fatalf("error %v does not name %s", err, name)
	}
	msg := err.Error()
	if !strings.Contains(msg, name) || strings.Contains(msg, "\n") {
		t.Fatalf("message %q must be one line naming %s", msg, name)
	}
}
