// Package s3client reads the S3 settings of a STORAGE_URL and builds the S3 client they
// name. The video storage keeps its objects in that bucket and the upload module keeps
// the parts of resumable uploads there, so both open their clients here.
package s3client

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

// DefaultRegion is the region used when neither the URL nor the environment names one.
const DefaultRegion = "us-east-1"

// Settings are the parts of an s3:// STORAGE_URL.
type Settings struct {
	Bucket string
	// Prefix is the object key prefix: empty or ending in "/".
	Prefix    string
	Endpoint  string
	Region    string
	PathStyle bool
	AccessKey string
	SecretKey string
}

// IsS3 reports whether a STORAGE_URL names S3 storage (s3://…).
func IsS3(storageURL string) bool {
	u, err := url.Parse(storageURL)
	return err == nil && u.Scheme == "s3"
}

// Parse reads s3://[KEY:SECRET@]BUCKET[/PREFIX]?endpoint=URL&region=R&path_style=BOOL.
// path_style defaults to true when an endpoint is given (MinIO and most S3-compatible
// servers need it) and to false for AWS itself.
func Parse(raw string) (Settings, error) {
	var s Settings
	u, err := url.Parse(raw)
	if err != nil {
		return s, fmt.Errorf("s3 storage URL: %w", err)
	}
	if u.Scheme != "s3" {
		return s, fmt.Errorf("s3 storage URL must start with s3://")
	}
	if s.Bucket = u.Host; s.Bucket == "" {
		return s, fmt.Errorf("s3 storage URL needs a bucket name")
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		s.Prefix = p + "/"
	}
	q := u.Query()
	for name := range q {
		switch name {
		case "endpoint", "region", "path_style":
		default:
			return s, fmt.Errorf("s3 storage URL: unknown parameter %q", name)
		}
	}
	if s.Endpoint = q.Get("endpoint"); s.Endpoint != "" {
		e, err := url.Parse(s.Endpoint)
		if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" {
			return s, fmt.Errorf("s3 storage URL: endpoint must be an http(s) URL")
		}
	}
	s.Region = q.Get("region")
	s.PathStyle = s.Endpoint != ""
	if v := q.Get("path_style"); v != "" {
		if s.PathStyle, err = strconv.ParseBool(v); err != nil {
			return s, fmt.Errorf("s3 storage URL: path_style must be true or false")
		}
	}
	if u.User != nil {
		s.AccessKey = u.User.Username()
		s.SecretKey, _ = u.User.Password()
		if s.AccessKey == "" || s.SecretKey == "" {
			return s, fmt.Errorf("s3 storage URL: credentials need both a key and a secret")
		}
	}
	return s, nil
}

// New builds an S3 client. Credentials come from the settings when they have them, else
// from the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, shared files,
// instance roles). Checksums are only computed where S3 requires them, which keeps
// S3-compatible servers that do not know the newer checksum headers working. It does not
// contact the server.
func New(ctx context.Context, s Settings) (*s3.Client, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired),
	}
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	if s.AccessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("s3 storage: load configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if s.Endpoint != "" {
			o.BaseEndpoint = aws.String(s.Endpoint)
		}
		o.UsePathStyle = s.PathStyle
	}), nil
}

// Open parses a STORAGE_URL and builds its client.
func Open(ctx context.Context, storageURL string) (*s3.Client, Settings, error) {
	s, err := Parse(storageURL)
	if err != nil {
		return nil, s, err
	}
	c, err := New(ctx, s)
	return c, s, err
}
