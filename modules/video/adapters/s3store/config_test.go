package s3store

import (
	"context"
	"testing"
)

func TestParseURL(t *testing.T) {
	s, err := parseURL("s3://AK:SK@media/videos/?endpoint=http://minio:9000&region=eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	want := settings{bucket: "media", prefix: "videos/", endpoint: "http://minio:9000", region: "eu-west-1", pathStyle: true, accessKey: "AK", secretKey: "SK"}
	if s != want {
		t.Errorf("settings = %+v, want %+v", s, want)
	}
	s, err = parseURL("s3://media?path_style=false")
	if err != nil || s.pathStyle || s.endpoint != "" || s.accessKey != "" {
		t.Errorf("plain AWS URL: %+v, %v", s, err)
	}
	for _, bad := range []string{
		"file:///data", "s3://", "s3:///prefix", "s3://b?endpoint=ftp://x", "s3://b?endpoint=minio:9000",
		"s3://b?path_style=maybe", "s3://b?unknown=1", "s3://AK@b", "s3://b\x00",
	} {
		if _, err := parseURL(bad); err == nil {
			t.Errorf("parseURL(%q) accepted", bad)
		}
	}
}

func TestNewDefaultsRegionAndKeysUnderPrefix(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	s, err := New(context.Background(), "s3://AK:SK@media/p?endpoint=http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.client.Options().Region; got != defaultRegion {
		t.Errorf("region = %q", got)
	}
	if !s.validKey("p/0123456789abcdef0123456789abcdef.bin") || s.validKey("0123456789abcdef0123456789abcdef.bin") {
		t.Error("keys must live under the prefix")
	}
}

func TestCredentialsFromURLOrEnvironment(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	for url, want := range map[string]string{
		"s3://URLKEY:URLSECRET@media?endpoint=http://127.0.0.1:1": "URLKEY",
		"s3://media?endpoint=http://127.0.0.1:1":                  "ENVKEY",
	} {
		s, err := New(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		creds, err := s.client.Options().Credentials.Retrieve(context.Background())
		if err != nil || creds.AccessKeyID != want {
			t.Errorf("%s: access key %q (%v), want %q", url, creds.AccessKeyID, err, want)
		}
	}
}
