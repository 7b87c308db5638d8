// Package config reads the server's settings from environment variables.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting of the server, validated once at start.
type Config struct {
	HTTPAddr            string
	MetricsAddr         string
	AppEnv              string
	DataDir             string
	DatabaseURL         string
	StorageURL          string
	JWTSecret           []byte
	JWTSecretGenerated  bool
	AccessTokenTTL      time.Duration
	RefreshTokenTTL     time.Duration
	PointsPerView       int64
	PlanExpiryInterval  time.Duration
	MaxUploadBytes      int64
	StreamMode          string
	AllowPrivateSources bool
	TrustedProxies      []netip.Prefix
	LogLevel            string
	LogFormat           string
	DBMaxOpenConns      int
	DBMaxIdleConns      int
	ShutdownTimeout     time.Duration
	// Background jobs.
	JobWorkers     int
	JobTimeout     time.Duration
	JobRescueAfter time.Duration
	// Media processing.
	MediaProcessing string // auto, off or required
	FFmpegPath      string
	FFprobePath     string
	// HLSLadder lists the rendition heights, ascending (HLS_LADDER).
	HLSLadder []int
	// CORSOrigins lists the origins whose players may fetch streams and playlists.
	CORSOrigins []string
	// UploadExpiry is how long an unfinished resumable upload is kept (UPLOAD_EXPIRY).
	UploadExpiry time.Duration
	// FreeStorageQuota and PaidStorageQuota are the bytes a corporation may store on each
	// effective plan (FREE_STORAGE_QUOTA, PAID_STORAGE_QUOTA); 0 means no limit.
	FreeStorageQuota int64
	PaidStorageQuota int64
	// UsageMetering counts egress bytes and first views per corporation and day
	// (USAGE_METERING); UsageFlushInterval is how often each replica writes its counts
	// (USAGE_FLUSH_INTERVAL).
	UsageMetering      bool
	UsageFlushInterval time.Duration
	// Analytics is "on" (watch analytics take in what streams serve) or "off" (ANALYTICS).
	Analytics string
	// AnalyticsFlushInterval is how often served spans are written (ANALYTICS_FLUSH_INTERVAL).
	AnalyticsFlushInterval time.Duration
	// AllowPrivateWebhooks lets webhook URLs point at internal addresses
	// (ALLOW_PRIVATE_WEBHOOKS).
	AllowPrivateWebhooks bool
}

// Production reports whether APP_ENV is production.
func (c Config) Production() bool { return c.AppEnv == "production" }

// TrustedProxyStrings returns the trusted proxy prefixes as strings.
func (c Config) TrustedProxyStrings() []string {
	out := make([]string, 0, len(c.TrustedProxies))
	for _, p := range c.TrustedProxies {
		out = append(out, p.String())
	}
	return out
}

// SettingError names the variable whose value stopped start-up.
type SettingError struct {
	Name   string
	Value  string
	Reason string
}

func (e *SettingError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("setting %s: %s", e.Name, e.Reason)
	}
	return fmt.Sprintf("setting %s=%q: %s", e.Name, e.Value, e.Reason)
}

// Lookup returns an environment value and whether it was set.
type Lookup func(string) (string, bool)

// FromEnv loads the configuration from the process environment.
func FromEnv() (Config, error) { return Load(os.LookupEnv) }

// Load builds a Config from the given lookup, applying defaults and validating every value.
func Load(env Lookup) (Config, error) {
	r := reader{env: env}
	c := Config{
		HTTPAddr:    r.addr("HTTP_ADDR", ":8080"),
		MetricsAddr: r.addr("METRICS_ADDR", ""),
		AppEnv:      r.oneOf("APP_ENV", "development", "development", "production", "test"),
		DataDir:     r.str("DATA_DIR", "./data"),
	}
	c.DatabaseURL = r.str("DATABASE_URL", "sqlite://"+filepath.ToSlash(filepath.Join(c.DataDir, "vms.db")))
	c.StorageURL = r.str("STORAGE_URL", "file://"+filepath.ToSlash(filepath.Join(c.DataDir, "videos")))
	c.AccessTokenTTL = r.duration("ACCESS_TOKEN_TTL", 15*time.Minute)
	c.RefreshTokenTTL = r.duration("REFRESH_TOKEN_TTL", 336*time.Hour)
	c.PointsPerView = int64(r.intRange("POINTS_PER_VIEW", 10, 0, 1_000_000))
	c.PlanExpiryInterval = r.duration("PLAN_EXPIRY_INTERVAL", time.Minute)
	c.MaxUploadBytes = r.bytes("MAX_UPLOAD_BYTES", 2<<30)
	c.StreamMode = r.oneOf("STREAM_MODE", "proxy", "proxy", "redirect")
	c.AllowPrivateSources = r.boolean("ALLOW_PRIVATE_SOURCES", false)
	c.TrustedProxies = r.prefixes("TRUSTED_PROXIES")
	c.LogLevel = r.oneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error")
	c.LogFormat = r.oneOf("LOG_FORMAT", "json", "json", "text")
	c.DBMaxOpenConns = r.intRange("DB_MAX_OPEN_CONNS", 20, 1, 1000)
	// Idle connections default to the pool size: closing and reopening sessions under load
	// costs more than keeping them.
	c.DBMaxIdleConns = r.intRange("DB_MAX_IDLE_CONNS", c.DBMaxOpenConns, 0, 1000)
	c.ShutdownTimeout = r.duration("SHUTDOWN_TIMEOUT", 20*time.Second)
	c.JobWorkers = r.intRange("JOB_WORKERS", 2, 1, 1000)
	c.JobTimeout = r.duration("JOB_TIMEOUT", time.Hour)
	c.JobRescueAfter = r.duration("JOB_RESCUE_AFTER", c.JobTimeout+15*time.Minute)
	c.MediaProcessing = r.oneOf("MEDIA_PROCESSING", "auto", "auto", "off", "required")
	c.FFmpegPath = r.str("FFMPEG_PATH", "ffmpeg")
	c.FFprobePath = r.str("FFPROBE_PATH", "ffprobe")
	c.HLSLadder = r.heights("HLS_LADDER", []int{360, 720, 1080})
	c.CORSOrigins = r.origins("CORS_ORIGINS")
	c.UploadExpiry = r.duration("UPLOAD_EXPIRY", 24*time.Hour)
	c.FreeStorageQuota = r.quota("FREE_STORAGE_QUOTA", 10<<30)
	c.PaidStorageQuota = r.quota("PAID_STORAGE_QUOTA", 0)
	c.UsageMetering = r.oneOf("USAGE_METERING", "on", "on", "off") == "on"
	c.UsageFlushInterval = r.duration("USAGE_FLUSH_INTERVAL", 10*time.Second)
	c.Analytics = r.oneOf("ANALYTICS", "on", "on", "off")
	c.AnalyticsFlushInterval = r.duration("ANALYTICS_FLUSH_INTERVAL", 10*time.Second)
	c.AllowPrivateWebhooks = r.boolean("ALLOW_PRIVATE_WEBHOOKS", false)
	if r.err != nil {
		return Config{}, r.err
	}
	if err := c.validateURLs(); err != nil {
		return Config{}, err
	}
	if c.JobRescueAfter <= c.JobTimeout {
		return Config{}, &SettingError{Name: "JOB_RESCUE_AFTER", Value: c.JobRescueAfter.String(),
			Reason: "must be longer than JOB_TIMEOUT (" + c.JobTimeout.String() + "), or a job still running would be started again"}
	}
	if err := c.loadSecret(env); err != nil {
		return Config{}, err
	}
	return c, nil
}

func (c *Config) validateURLs() error {
	switch {
	case strings.HasPrefix(c.DatabaseURL, "sqlite://"), strings.HasPrefix(c.DatabaseURL, "postgres://"), strings.HasPrefix(c.DatabaseURL, "postgresql://"):
	default:
		return &SettingError{Name: "DATABASE_URL", Value: redact(c.DatabaseURL), Reason: "must start with sqlite:// or postgres://"}
	}
	if strings.HasPrefix(c.DatabaseURL, "sqlite://") && strings.TrimPrefix(c.DatabaseURL, "sqlite://") == "" {
		return &SettingError{Name: "DATABASE_URL", Value: c.DatabaseURL, Reason: "needs a file path after sqlite://"}
	}
	u, err := url.Parse(c.StorageURL)
	if err != nil || (u.Scheme != "file" && u.Scheme != "s3") {
		return &SettingError{Name: "STORAGE_URL", Value: c.StorageURL, Reason: "must be file://PATH or s3://BUCKET?endpoint=…&region=…"}
	}
	if u.Scheme == "s3" && u.Host == "" {
		return &SettingError{Name: "STORAGE_URL", Value: c.StorageURL, Reason: "s3:// needs a bucket name"}
	}
	if c.StreamMode == "redirect" && u.Scheme != "s3" {
		return &SettingError{Name: "STREAM_MODE", Value: c.StreamMode, Reason: "redirect needs STORAGE_URL=s3://…"}
	}
	if c.Production() && c.AllowPrivateSources {
		return &SettingError{Name: "ALLOW_PRIVATE_SOURCES", Value: "true", Reason: "is unsafe with APP_ENV=production"}
	}
	if c.Production() && c.AllowPrivateWebhooks {
		return &SettingError{Name: "ALLOW_PRIVATE_WEBHOOKS", Value: "true", Reason: "is unsafe with APP_ENV=production"}
	}
	return nil
}

// secretFile is where a generated JWT secret is kept inside DATA_DIR.
const secretFile = "jwt-secret"

func (c *Config) loadSecret(env Lookup) error {
	if v, ok := env("JWT_SECRET"); ok && v != "" {
		if len(v) < 32 {
			return &SettingError{Name: "JWT_SECRET", Reason: "must be at least 32 bytes"}
		}
		c.JWTSecret = []byte(v)
		return nil
	}
	if c.Production() {
		return &SettingError{Name: "JWT_SECRET", Reason: "is required with APP_ENV=production (at least 32 bytes)"}
	}
	path := filepath.Join(c.DataDir, secretFile)
	if b, err := os.ReadFile(path); err == nil { //nolint:gosec // G304: the path is DATA_DIR/jwt-secret, set by the operator
		s := strings.TrimSpace(string(b))
		if len(s) >= 32 {
			c.JWTSecret = []byte(s)
			c.JWTSecretGenerated = true
			return nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return &SettingError{Name: "JWT_SECRET", Reason: "cannot read generated secret: " + err.Error()}
	}
	buf := make([]byte, 32)
	_, _ = rand.Read(buf)
	s := hex.EncodeToString(buf)
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return &SettingError{Name: "DATA_DIR", Value: c.DataDir, Reason: err.Error()}
	}
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return &SettingError{Name: "DATA_DIR", Value: c.DataDir, Reason: "cannot keep generated JWT secret: " + err.Error()}
	}
	c.JWTSecret = []byte(s)
	c.JWTSecretGenerated = true
	return nil
}

type reader struct {
	env Lookup
	err error
}

func (r *reader) raw(name string) (string, bool) {
	v, ok := r.env(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (r *reader) fail(name, value, reason string) {
	if r.err == nil {
		r.err = &SettingError{Name: name, Value: value, Reason: reason}
	}
}

func (r *reader) str(name, def string) string {
	if v, ok := r.raw(name); ok {
		return v
	}
	return def
}

func (r *reader) addr(name, def string) string {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		r.fail(name, v, "must be host:port, e.g. :8080")
		return def
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		r.fail(name, v, "port must be a number from 0 to 65535")
		return def
	}
	return v
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	v = strings.ToLower(v)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(name, v, "must be one of "+strings.Join(allowed, ", "))
	return def
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		r.fail(name, v, "must be a positive duration such as 15m or 1h")
		return def
	}
	return d
}

func (r *reader) intRange(name string, def, lo, hi int) int {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.fail(name, v, fmt.Sprintf("must be a whole number from %d to %d", lo, hi))
		return def
	}
	return n
}

func (r *reader) boolean(name string, def bool) bool {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.fail(name, v, "must be true or false")
		return def
	}
	return b
}

func (r *reader) prefixes(name string) []netip.Prefix {
	v, ok := r.raw(name)
	if !ok {
		return nil
	}
	var out []netip.Prefix
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(part); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		r.fail(name, v, "must be a comma-separated list of CIDRs or IP addresses")
		return nil
	}
	return out
}

// heights reads a comma-separated list of rendition heights (even, 144 to 4320), sorted
// ascending without repeats.
func (r *reader) heights(name string, def []int) []int {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	seen := map[int]bool{}
	var out []int
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		h, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(part), "p"))
		if err != nil || h < 144 || h > 4320 || h%2 != 0 {
			r.fail(name, v, "must be a comma-separated list of even heights from 144 to 4320, e.g. 360,720,1080")
			return def
		}
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	sort.Ints(out)
	return out
}

// origins reads a comma-separated list of web origins (scheme://host[:port]); "*" is
// refused, as answers carry credentials in their URLs.
func (r *reader) origins(name string) []string {
	v, ok := r.raw(name)
	if !ok {
		return nil
	}
	var out []string
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		u, err := url.Parse(part)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil || u.Fragment != "" {
			r.fail(name, v, "must be a comma-separated list of origins such as https://app.example.com (scheme and host, no path; no *)")
			return nil
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out
}

var byteUnits = []struct {
	suffix string
	mult   int64
}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40}, {"KB", 1000}, {"MB", 1000_000}, {"GB", 1000_000_000}, {"B", 1}}

func (r *reader) bytes(name string, def int64) int64 {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	n, err := ParseBytes(v)
	if err != nil {
		r.fail(name, v, "must be a positive size such as 2GiB, 500MiB or 1048576")
		return def
	}
	return n
}

// quota reads a size like bytes does, where 0 (with or without a unit) means no limit.
func (r *reader) quota(name string, def int64) int64 {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	if n, err := strconv.ParseInt(strings.TrimRight(strings.ToUpper(v), "KMGTIB "), 10, 64); err == nil && n == 0 {
		return 0
	}
	n, err := ParseBytes(v)
	if err != nil {
		r.fail(name, v, "must be a size such as 10GiB, 500MiB or 1048576, or 0 for no limit")
		return def
	}
	return n
}

// ParseBytes reads a size such as "2GiB", "500MB" or "1048576".
func ParseBytes(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, bu := range byteUnits {
		if strings.HasSuffix(u, bu.suffix) {
			u = strings.TrimSpace(strings.TrimSuffix(u, bu.suffix))
			mult = bu.mult
			break
		}
	}
	n, err := strconv.ParseInt(u, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, errors.New("invalid size")
	}
	return n * mult, nil
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = url.User(u.User.Username())
	return u.String()
}
