package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Read-ahead windows: the first GET after a seek asks for minWindow bytes, so a short
// range request fetches little more than it sends; each GET that continues right where
// the previous one ended doubles the window, up to maxWindow, so a long stream needs few
// requests.
const (
	minWindow = 1 << 20
	maxWindow = 32 << 20
)

// objectGetter is the part of the S3 client a rangeReader uses.
type objectGetter interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// rangeReader is an io.ReadSeekCloser over one object of known size. Seek only moves
// the offset; Read issues a ranged GET from the current offset when no open response
// continues there.
type rangeReader struct {
	ctx    context.Context
	client objectGetter
	bucket string
	key    string
	size   int64

	off    int64         // position of the next byte Read returns
	body   io.ReadCloser // open ranged response, or nil
	bodyAt int64         // position of the body's next byte
	bodyTo int64         // end (exclusive) of the range the body carries
	window int64         // size of the last window fetched
	closed bool
}

func newRangeReader(ctx context.Context, client objectGetter, bucket, key string, size int64) *rangeReader {
	return &rangeReader{ctx: ctx, client: client, bucket: bucket, key: key, size: size}
}

// Read reads from the current offset, fetching a new window when needed.
func (r *rangeReader) Read(p []byte) (int, error) {
	if r.closed {
		return 0, errors.New("s3 storage: read after close")
	}
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if r.off >= r.size {
			r.dropBody()
			return 0, io.EOF
		}
		if r.body != nil && (r.bodyAt != r.off || r.bodyAt >= r.bodyTo) {
			r.dropBody()
		}
		if r.body == nil {
			if err := r.fetch(); err != nil {
				return 0, err
			}
		}
		want := min(int64(len(p)), r.bodyTo-r.bodyAt)
		n, err := r.body.Read(p[:want])
		r.off += int64(n)
		r.bodyAt += int64(n)
		if errors.Is(err, io.EOF) {
			short := r.bodyAt < r.bodyTo
			r.dropBody()
			if short {
				return n, fmt.Errorf("s3 storage: object %s ended early: %w", r.key, io.ErrUnexpectedEOF)
			}
			err = nil
		}
		if err != nil {
			return n, fmt.Errorf("s3 storage: read object: %w", err)
		}
		if n > 0 {
			return n, nil
		}
	}
}

// fetch opens a ranged GET from the current offset.
func (r *rangeReader) fetch() error {
	if r.off == r.bodyTo && r.window > 0 {
		r.window = min(r.window*2, maxWindow)
	} else {
		r.window = minWindow
	}
	end := min(r.off+r.window, r.size)
	out, err := r.client.GetObject(r.ctx, &s3.GetObjectInput{
		Bucket: aws.String(r.bucket),
		Key:    aws.String(r.key),
		Range:  aws.String(fmt.Sprintf("bytes=%d-%d", r.off, end-1)),
	})
	if err != nil {
		if isNotFound(err) {
			return ErrNotFound
		}
		return fmt.Errorf("s3 storage: get object: %w", err)
	}
	r.body, r.bodyAt, r.bodyTo = out.Body, r.off, end
	return nil
}

func (r *rangeReader) dropBody() {
	if r.body != nil {
		_ = r.body.Close()
		r.body = nil
	}
}

// Seek moves the offset without any request.
func (r *rangeReader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = r.off + offset
	case io.SeekEnd:
		abs = r.size + offset
	default:
		return 0, errors.New("s3 storage: invalid whence")
	}
	if abs < 0 {
		return 0, errors.New("s3 storage: negative position")
	}
	r.off = abs
	return abs, nil
}

// Close releases the open response, if any.
func (r *rangeReader) Close() error {
	r.dropBody()
	r.closed = true
	return nil
}
