package tusd

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/s3store"

	"vms/modules/upload/domain"
	"vms/modules/upload/ports"
)

// UploadsPrefix is where, under the video storage's key prefix, tusd keeps its own
// objects for uploads in S3.
const UploadsPrefix = "uploads/"

// S3 layout, in the video storage's bucket under its key prefix P:
//
//   - the parts of upload <id> are an S3 multipart upload at P<id>.bin, a key of the form
//     the video storage gives its objects, so completing the multipart upload leaves the
//     finished file exactly where the video keeps it: nothing is copied or downloaded;
//   - tusd's bookkeeping lives under P followed by uploads/: <id>.bin.info (tusd's
//     description of the upload) and <id>.bin.part (bytes received but not yet a part:
//     every S3 part but the last must be at least 5 MiB, so smaller PATCHes wait there).
//
// tusd's s3store names an upload <object>+<multipart upload id>. Clients keep seeing
// <id>: s3Parts translates, finding the multipart upload id in the upload row
// (ports.MultipartStates) rather than listing the bucket's multipart uploads.

// s3Parts keeps upload parts with tusd's s3store and adds the checksum extension and a
// running sha256 of the bytes received.
type s3Parts struct {
	store  s3store.S3Store
	client *s3.Client
	bucket string
	prefix string
	states ports.MultipartStates
}

// NewS3Store keeps upload parts in the bucket under prefix (the video storage's key
// prefix: empty or ending in "/") as described above.
func NewS3Store(client *s3.Client, bucket, prefix string, states ports.MultipartStates, locker handler.Locker) *Store {
	st := s3store.New(bucket, client)
	st.ObjectPrefix = prefix
	st.MetadataObjectPrefix = prefix + UploadsPrefix
	p := &s3Parts{store: st, client: client, bucket: bucket, prefix: prefix, states: states}
	return &Store{parts: p, locker: locker}
}

// objectName is the name s3store knows upload id's object by, below its prefix.
func objectName(id string) string { return id + ".bin" }

// objectKey is the key of upload id's object: its multipart upload, then its file.
func (p *s3Parts) objectKey(id string) string { return p.prefix + objectName(id) }

// metaKey is the key of one of tusd's bookkeeping objects of upload id.
func (p *s3Parts) metaKey(id, suffix string) string {
	return p.prefix + UploadsPrefix + objectName(id) + suffix
}

// validID reports whether id has the form the upload service gives ids (32 lowercase hex
// digits), so it is safe in a key.
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for _, c := range id {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// NewUpload starts the multipart upload of info.ID (the upload service's id) and keeps
// its multipart upload id, with the sha256 of nothing yet, in the upload row.
func (p *s3Parts) NewUpload(ctx context.Context, info handler.FileInfo) (handler.Upload, error) {
	id := info.ID
	if !validID(id) {
		return nil, fmt.Errorf("s3 upload parts: upload id %q is not one the service made", id)
	}
	info.ID = objectName(id)
	u, err := p.store.NewUpload(ctx, info)
	if err != nil {
		return nil, err
	}
	created, err := u.GetInfo(ctx) // kept by NewUpload: no request
	if err != nil {
		return nil, err
	}
	state := ports.MultipartState{MultipartID: created.ID[strings.LastIndex(created.ID, "+")+1:], SHA256State: marshalHash(sha256.New())}
	if err := p.states.SetMultipartState(ctx, id, state); err != nil {
		if terr := p.store.AsTerminatableUpload(u).Terminate(context.WithoutCancel(ctx)); terr != nil {
			err = errors.Join(err, terr)
		}
		return nil, fmt.Errorf("s3 upload parts: record multipart upload: %w", err)
	}
	return &s3Upload{Upload: u, id: id, parts: p, state: state}, nil
}

// GetUpload finds upload id's multipart upload through its row.
func (p *s3Parts) GetUpload(ctx context.Context, id string) (handler.Upload, error) {
	if !validID(id) {
		return nil, handler.ErrNotFound
	}
	state, err := p.states.MultipartState(ctx, id)
	if errors.Is(err, domain.ErrNotFound) || (err == nil && state.MultipartID == "") {
		return nil, handler.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u, err := p.store.GetUpload(ctx, objectName(id)+"+"+state.MultipartID)
	if err != nil {
		return nil, err
	}
	return &s3Upload{Upload: u, id: id, parts: p, state: state}, nil
}

// AsTerminatableUpload is s3store's termination: the multipart upload is aborted and
// the object, the .part and the .info are deleted.
func (p *s3Parts) AsTerminatableUpload(u handler.Upload) handler.TerminatableUpload {
	return p.store.AsTerminatableUpload(u.(*s3Upload).Upload)
}

// finished is upload info.ID's object, with the sha256 received when it covers the
// whole file.
func (p *s3Parts) finished(ctx context.Context, info handler.FileInfo) (ports.FinishedFile, error) {
	obj := ports.StoredObject{Key: p.objectKey(info.ID), Size: info.Size}
	state, err := p.states.MultipartState(ctx, info.ID)
	if err != nil {
		return ports.FinishedFile{}, fmt.Errorf("s3 upload parts: read sha256: %w", err)
	}
	if h := resumeHash(state, info.Size); h != nil {
		obj.SHA256 = hex.EncodeToString(h.Sum(nil))
	}
	return ports.FinishedFile{Object: obj}, nil
}

// remove aborts upload id's multipart upload and deletes its .info and .part objects
// and, unless its row names the video that keeps it, its object. An upload whose row
// lacks the multipart upload id (creation stopped between S3 and the database) has its
// multipart uploads found by key. Without a row only the bookkeeping goes: the object
// may be a video's.
func (p *s3Parts) remove(ctx context.Context, id string) error {
	if !validID(id) {
		return nil
	}
	state, err := p.states.MultipartState(ctx, id)
	hasRow := err == nil
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return fmt.Errorf("s3 upload parts: read upload: %w", err)
	}
	key := p.objectKey(id)
	keys := []string{p.metaKey(id, ".info"), p.metaKey(id, ".part")}
	var errs []error
	switch {
	case state.MultipartID != "":
		errs = append(errs, p.abort(ctx, key, state.MultipartID))
	case hasRow && state.VideoID == 0:
		errs = append(errs, p.abortAll(ctx, key))
	}
	if hasRow && state.VideoID == 0 {
		keys = append(keys, key)
	}
	for _, k := range keys {
		_, err := p.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(p.bucket), Key: aws.String(k)})
		if err != nil && !isS3NotFound(err) {
			errs = append(errs, fmt.Errorf("s3 upload parts: delete %s: %w", k, err))
		}
	}
	return errors.Join(errs...)
}

// abort aborts one multipart upload; one already completed or aborted is not an error.
func (p *s3Parts) abort(ctx context.Context, key, multipartID string) error {
	_, err := p.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(p.bucket), Key: aws.String(key), UploadId: aws.String(multipartID),
	})
	if err != nil && !isS3NotFound(err) {
		return fmt.Errorf("s3 upload parts: abort multipart upload of %s: %w", key, err)
	}
	return nil
}

// abortAll aborts every multipart upload at key.
func (p *s3Parts) abortAll(ctx context.Context, key string) error {
	out, err := p.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(p.bucket), Prefix: aws.String(key)})
	if err != nil {
		return fmt.Errorf("s3 upload parts: list multipart uploads of %s: %w", key, err)
	}
	var errs []error
	for _, u := range out.Uploads {
		if aws.ToString(u.Key) == key {
			errs = append(errs, p.abort(ctx, key, aws.ToString(u.UploadId)))
		}
	}
	return errors.Join(errs...)
}

// isS3NotFound reports an S3 answer that the object or multipart upload is not there
// (404: NoSuchKey, NoSuchUpload).
func isS3NotFound(err error) bool {
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound
}
