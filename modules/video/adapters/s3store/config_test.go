package s3store

import (
	"context"
	"testing"

	"vms/platform/s3client"
)

func TestNewDefaultsRegionAndKeysUnderPrefix(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	s, err := New(context.Background(), "s3://AK:SK@media/p?endpoint=http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.client.Options().Region; got != s3client.DefaultRegion {
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
