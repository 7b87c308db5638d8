// Package s3store keeps uploaded video files in an S3-compatible bucket (AWS S3, MinIO,
// …). Uploads stream through a multipart upload; reads are ranged GETs.
package s3store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"vms/modules/video/ports"
	"vms/platform/s3client"
)

var _ ports.Storage = (*Store)(nil)

const (
	// partSize is the multipart chunk; each of partConcurrency uploads buffers one.
	partSize        = 8 << 20
	partConcurrency = 2
	// cleanupTimeout bounds the delete that follows a failed upload.
	cleanupTimeout = 30 * time.Second
)

// keyPattern matches the object names Put generates, after the configured prefix.
var keyPattern = regexp.MustCompile(`^[0-9a-f]{32}\.bin$`)

// Store is a ports.Storage over one bucket.
type Store struct {
	client   *s3.Client
	presign  *s3.PresignClient
	uploader *manager.Uploader
	bucket   string
	prefix   string
}

// New connects to the bucket named by storageURL,
// s3://[KEY:SECRET@]BUCKET[/PREFIX]?endpoint=URL&region=REGION&path_style=BOOL. It does
// not contact the server; Ready does.
func New(ctx context.Context, storageURL string) (*Store, error) {
	client, s, err := s3client.Open(ctx, storageURL)
	if err != nil {
		return nil, err
	}
	return &Store{
		client:  client,
		presign: s3.NewPresignClient(client),
		uploader: manager.NewUploader(client, func(u *manager.Uploader) {
			u.PartSize = partSize
			u.Concurrency = partConcurrency
		}),
		bucket: s.Bucket,
		prefix: s.Prefix,
	}, nil
}

// Put streams r to a new object under a generated key while hashing and counting it,
// stored with opts.ContentType (application/octet-stream when empty). Past
// opts.MaxBytes (when it is > 0), on a read error or when ctx ends, the upload is
// aborted and any object already written is deleted.
func (s *Store) Put(ctx context.Context, r io.Reader, opts ports.PutOptions) (ports.StoredObject, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return ports.StoredObject{}, fmt.Errorf("s3 storage: random key: %w", err)
	}
	key := s.prefix + hex.EncodeToString(b[:]) + ".bin"
	contentType := opts.ContentType
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	body := newMeteredReader(ctx, r, opts.MaxBytes)
	_, err := s.uploader.Upload(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(s.bucket),
		Key:         aws.String(key),
		Body:        body,
		ContentType: aws.String(contentType),
	})
	if err == nil && body.err != nil {
		err = body.err
	}
	if err != nil {
		s.discard(ctx, key)
		switch {
		case errors.Is(body.err, ErrTooLarge):
			return ports.StoredObject{}, ErrTooLarge
		case ctx.Err() != nil:
			return ports.StoredObject{}, ctx.Err()
		}
		return ports.StoredObject{}, fmt.Errorf("s3 storage: upload: %w", err)
	}
	return ports.StoredObject{Key: key, Size: body.n, SHA256: hex.EncodeToString(body.h.Sum(nil))}, nil
}

// discard deletes an object a failed upload may have left, even when ctx has ended.
func (s *Store) discard(ctx context.Context, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_, _ = s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
}

// Open looks the object up and returns a reader that fetches, with ranged GETs, only
// the bytes read from the offset it was seeked to. The reader uses ctx for its requests.
func (s *Store) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	if !s.validKey(key) {
		return nil, ErrNotFound
	}
	head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if isNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("s3 storage: head object: %w", err)
	}
	return newRangeReader(ctx, s.client, s.bucket, key, aws.ToInt64(head.ContentLength)), nil
}

// Delete removes the object; a missing object is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if !s.validKey(key) {
		return nil
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("s3 storage: delete: %w", err)
	}
	return nil
}

// PresignGet returns a URL that serves the object with a plain GET for opts.TTL, with
// opts.ContentType as the answers' Content-Type (response-content-type) when it is set.
func (s *Store) PresignGet(ctx context.Context, key string, opts ports.PresignOptions) (string, bool, error) {
	if !s.validKey(key) {
		return "", false, ErrNotFound
	}
	in := &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)}
	if opts.ContentType != "" {
		in.ResponseContentType = aws.String(opts.ContentType)
	}
	req, err := s.presign.PresignGetObject(ctx, in, s3.WithPresignExpires(opts.TTL))
	if err != nil {
		return "", false, fmt.Errorf("s3 storage: presign: %w", err)
	}
	return req.URL, true, nil
}

// Ready checks that the bucket exists and the credentials reach it.
func (s *Store) Ready(ctx context.Context) error {
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.bucket)}); err != nil {
		return fmt.Errorf("s3 storage: bucket %s not reachable: %w", s.bucket, err)
	}
	return nil
}

// validKey reports whether key is one Put could have generated under this prefix.
func (s *Store) validKey(key string) bool {
	return len(key) > len(s.prefix) && key[:len(s.prefix)] == s.prefix && keyPattern.MatchString(key[len(s.prefix):])
}

// isNotFound reports whether err is an S3 answer of 404.
func isNotFound(err error) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound
}
