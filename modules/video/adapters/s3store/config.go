package s3store

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

const defaultRegion = "us-east-1"

// settings are the parts of a STORAGE_URL.
type settings struct {
	bucket    string
	prefix    string // object key prefix, empty or ending in "/"
	endpoint  string
	region    string
	pathStyle bool
	accessKey string
	secretKey string
}

// parseURL reads s3://[KEY:SECRET@]BUCKET[/PREFIX]?endpoint=URL&region=R&path_style=BOOL.
// path_style defaults to true when an endpoint is given (MinIO and most S3-compatible
// servers need it) and to false for AWS itself.
func parseURL(raw string) (settings, error) {
	var s settings
	u, err := url.Parse(raw)
	if err != nil {
		return s, fmt.Errorf("s3 storage URL: %w", err)
	}
	if u.Scheme != "s3" {
		return s, fmt.Errorf("s3 storage URL must start with s3://")
	}
	if s.bucket = u.Host; s.bucket == "" {
		return s, fmt.Errorf("s3 storage URL needs a bucket name")
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		s.prefix = p + "/"
	}
	q := u.Query()
	for name := range q {
		switch name {
		case "endpoint", "region", "path_style":
		default:
			return s, fmt.Errorf("s3 storage URL: unknown parameter %q", name)
		}
	}
	if s.endpoint = q.Get("endpoint"); s.endpoint != "" {
		e, err := url.Parse(s.endpoint)
		if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" {
			return s, fmt.Errorf("s3 storage URL: endpoint must be an http(s) URL")
		}
	}
	s.region = q.Get("region")
	s.pathStyle = s.endpoint != ""
	if v := q.Get("path_style"); v != "" {
		if s.pathStyle, err = strconv.ParseBool(v); err != nil {
			return s, fmt.Errorf("s3 storage URL: path_style must be true or false")
		}
	}
	if u.User != nil {
		s.accessKey = u.User.Username()
		s.secretKey, _ = u.User.Password()
		if s.accessKey == "" || s.secretKey == "" {
			return s, fmt.Errorf("s3 storage URL: credentials need both a key and a secret")
		}
	}
	return s, nil
}

// newClient builds an S3 client. Credentials come from the URL when it has them, else
// from the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, shared files,
// instance roles). Checksums are only computed where S3 requires them, which keeps
// S3-compatible servers that do not know the newer checksum headers working.
func newClient(ctx context.Context, s settings) (*s3.Client, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired),
	}
	if s.region != "" {
		opts = append(opts, config.WithRegion(s.region))
	}
	if s.accessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.accessKey, s.secretKey, "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("s3 storage: load configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = defaultRegion
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if s.endpoint != "" {
			o.BaseEndpoint = aws.String(s.endpoint)
		}
		o.UsePathStyle = s.pathStyle
	}), nil
}
