package tusd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http/httptest"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"

	"vms/modules/upload/domain"
	"vms/modules/upload/ports"
	"vms/platform/s3client"
)

const (
	testBucket = "videos"
	testPrefix = "p/"
	uploadA    = "0123456789abcdef0123456789abcdef"
)

// fakeStates is an in-memory ports.MultipartStates over the ids it was given.
type fakeStates struct {
	mu   sync.Mutex
	rows map[string]ports.MultipartState
}

func newFakeStates(ids ...string) *fakeStates {
	f := &fakeStates{rows: map[string]ports.MultipartState{}}
	for _, id := range ids {
		f.rows[id] = ports.MultipartState{}
	}
	return f
}

func (f *fakeStates) MultipartState(_ context.Context, id string) (ports.MultipartState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.rows[id]
	if !ok {
		return ports.MultipartState{}, domain.ErrNotFound
	}
	return s, nil
}

func (f *fakeStates) SetMultipartState(_ context.Context, id string, s ports.MultipartState) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	old, ok := f.rows[id]
	if !ok {
		return domain.ErrNotFound
	}
	s.VideoID = old.VideoID
	f.rows[id] = s
	return nil
}

func (f *fakeStates) update(id string, fn func(*ports.MultipartState)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.rows[id]
	fn(&s)
	f.rows[id] = s
}

// s3Fixture is an S3 store of parts over an in-process S3 server.
type s3Fixture struct {
	store  *Store
	client *s3.Client
	states *fakeStates
}

func newS3Fixture(t *testing.T, ids ...string) s3Fixture {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	client, s, err := s3client.Open(context.Background(), "s3://KEY:SECRET@"+testBucket+"/p?endpoint="+srv.URL+"&region=us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	states := newFakeStates(ids...)
	return s3Fixture{store: NewS3Store(client, s.Bucket, s.Prefix, states, memorylocker.New()), client: client, states: states}
}

// newUpload creates upload id of size bytes through the composer, as tusd does.
func (f s3Fixture) newUpload(t *testing.T, id string, size int64) handler.Upload {
	t.Helper()
	u, err := f.store.Composer().Core.NewUpload(context.Background(), handler.FileInfo{ID: id, Size: size, MetaData: handler.MetaData{"name": "clip"}})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// get finds upload id again, as a later request does.
func (f s3Fixture) get(t *testing.T, id string) handler.Upload {
	t.Helper()
	u, err := f.store.Composer().Core.GetUpload(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// keys lists the bucket's objects and multipart uploads.
func (f s3Fixture) keys(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	objs, err := f.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(testBucket)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs.Contents {
		out = append(out, aws.ToString(o.Key))
	}
	mps, err := f.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(testBucket)})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range mps.Uploads {
		out = append(out, "multipart "+aws.ToString(u.Key))
	}
	sort.Strings(out)
	return out
}

func checksummed(t *testing.T, chunk []byte) context.Context {
	t.Helper()
	sum := sha256.Sum256(chunk)
	ctx, err := WithChecksum(context.Background(), "sha256 "+base64.StdEncoding.EncodeToString(sum[:]))
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// Clients see the service's id; the multipart upload id is kept in the row.
func TestS3UploadsKeepTheServiceID(t *testing.T) {
	f := newS3Fixture(t, uploadA)
	u := f.newUpload(t, uploadA, 100)
	info, err := u.GetInfo(context.Background())
	if err != nil || info.ID != uploadA {
		t.Fatalf("info %+v, %v", info, err)
	}
	st, _ := f.states.MultipartState(context.Background(), uploadA)
	if st.MultipartID == "" || st.SHA256State == nil || st.SHA256Offset != 0 {
		t.Fatalf("state %+v", st)
	}
	if info, err := f.get(t, uploadA).GetInfo(context.Background()); err != nil || info.ID != uploadA || info.Size != 100 {
		t.Fatalf("found again: %+v, %v", info, err)
	}
	want := []string{"multipart p/" + uploadA + ".bin", "p/uploads/" + uploadA + ".bin.info"}
	if got := f.keys(t); !slices.Equal(got, want) {
		t.Fatalf("bucket %v, want %v", got, want)
	}
	for _, id := range []string{"ffffffffffffffffffffffffffffffff", "../" + uploadA[3:], uploadA + "+x"} {
		if _, err := f.store.Composer().Core.GetUpload(context.Background(), id); !errors.Is(err, handler.ErrNotFound) {
			t.Errorf("GetUpload(%q): %v", id, err)
		}
	}
	if _, err := f.store.Composer().Core.NewUpload(context.Background(), handler.FileInfo{ID: "not-ours", Size: 1}); err == nil {
		t.Error("an upload with an id the service did not make was created")
	}
}

// A chunk whose checksum does not match never reaches S3; the upload resumes from the
// same offset, and the sha256 of the finished object is the file's.
func TestS3ChecksumAndSha256(t *testing.T) {
	f := newS3Fixture(t, uploadA)
	data := bytes.Repeat([]byte("0123456789"), 1000)
	u := f.newUpload(t, uploadA, int64(len(data)))
	if n, err := u.WriteChunk(checksummed(t, data[:10]), 0, bytes.NewReader(data[:4000])); !errors.Is(err, ErrChecksumMismatch) || n != 0 {
		t.Fatalf("mismatch: %d, %v", n, err)
	}
	if off, err := f.store.Offset(context.Background(), uploadA); err != nil || off != 0 {
		t.Fatalf("offset after a mismatch %d, %v", off, err)
	}
	if n, err := f.get(t, uploadA).WriteChunk(checksummed(t, data[:4000]), 0, bytes.NewReader(data[:4000])); err != nil || n != 4000 {
		t.Fatalf("first chunk: %d, %v", n, err)
	}
	if off, err := f.store.Offset(context.Background(), uploadA); err != nil || off != 4000 {
		t.Fatalf("offset %d, %v", off, err)
	}
	last := f.get(t, uploadA)
	if n, err := last.WriteChunk(context.Background(), 4000, bytes.NewReader(data[4000:])); err != nil || n != int64(len(data)-4000) {
		t.Fatalf("last chunk: %d, %v", n, err)
	}
	if err := last.FinishUpload(context.Background()); err != nil {
		t.Fatal(err)
	}
	info, _ := last.GetInfo(context.Background())
	file, err := f.store.Finished(context.Background(), info)
	sum := sha256.Sum256(data)
	if err != nil || file.Path != "" || file.Object != (ports.StoredObject{Key: "p/" + uploadA + ".bin", Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}) {
		t.Fatalf("finished %+v, %v", file, err)
	}
	out, err := f.client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(testBucket), Key: aws.String(file.Object.Key)})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(out.Body)
	_ = out.Body.Close()
	if !bytes.Equal(got, data) {
		t.Fatal("the finished object differs from the chunks")
	}
}

// When the running hash does not cover the bytes before a chunk, the finished object
// gets no sha256 rather than a wrong one.
func TestS3Sha256DroppedWhenItFallsBehind(t *testing.T) {
	f := newS3Fixture(t, uploadA)
	data := bytes.Repeat([]byte("x"), 100)
	u := f.newUpload(t, uploadA, 100)
	if _, err := u.WriteChunk(context.Background(), 0, bytes.NewReader(data[:50])); err != nil {
		t.Fatal(err)
	}
	f.states.update(uploadA, func(s *ports.MultipartState) { s.SHA256Offset = 10 }) // as after a failed write
	last := f.get(t, uploadA)
	if _, err := last.WriteChunk(context.Background(), 50, bytes.NewReader(data[50:])); err != nil {
		t.Fatal(err)
	}
	if err := last.FinishUpload(context.Background()); err != nil {
		t.Fatal(err)
	}
	file, err := f.store.Finished(context.Background(), handler.FileInfo{ID: uploadA, Size: 100})
	if err != nil || file.Object.SHA256 != "" || file.Object.Key == "" {
		t.Fatalf("finished %+v, %v", file, err)
	}
}

// Remove aborts an unfinished upload's multipart upload and deletes tusd's objects; the
// object of a finished upload stays when a video keeps it and goes when none does.
func TestS3Remove(t *testing.T) {
	const uploadB, uploadC = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccccccccccccccc"
	f := newS3Fixture(t, uploadA, uploadB, uploadC)
	ctx := context.Background()
	// A: unfinished, with a .part waiting.
	if _, err := f.newUpload(t, uploadA, 100).WriteChunk(ctx, 0, bytes.NewReader(make([]byte, 10))); err != nil {
		t.Fatal(err)
	}
	// B and C: finished; B became a video.
	for _, id := range []string{uploadB, uploadC} {
		u := f.newUpload(t, id, 3)
		if _, err := u.WriteChunk(ctx, 0, bytes.NewReader([]byte("abc"))); err != nil {
			t.Fatal(err)
		}
		if err := u.FinishUpload(ctx); err != nil {
			t.Fatal(err)
		}
	}
	f.states.update(uploadB, func(s *ports.MultipartState) { s.VideoID = 42 })
	for _, id := range []string{uploadA, uploadB, uploadC} {
		if err := f.store.Remove(ctx, id); err != nil {
			t.Fatalf("remove %s: %v", id, err)
		}
	}
	if got, want := f.keys(t), []string{"p/" + uploadB + ".bin"}; !slices.Equal(got, want) {
		t.Fatalf("bucket after removal %v, want %v", got, want)
	}
	if err := f.store.Remove(ctx, uploadA); err != nil {
		t.Fatalf("removing twice: %v", err)
	}
}

// An upload whose row never got its multipart upload id (creation stopped between S3
// and the database) still has its multipart upload aborted, found by key.
func TestS3RemoveFindsAnUnrecordedMultipartUpload(t *testing.T) {
	f := newS3Fixture(t, uploadA)
	f.newUpload(t, uploadA, 100)
	f.states.update(uploadA, func(s *ports.MultipartState) { s.MultipartID = "" })
	if err := f.store.Remove(context.Background(), uploadA); err != nil {
		t.Fatal(err)
	}
	if got := f.keys(t); len(got) != 0 {
		t.Fatalf("bucket after removal %v", got)
	}
}

// Termination aborts the multipart upload and deletes tusd's objects.
func TestS3Terminate(t *testing.T) {
	f := newS3Fixture(t, uploadA)
	if _, err := f.newUpload(t, uploadA, 100).WriteChunk(context.Background(), 0, bytes.NewReader(make([]byte, 10))); err != nil {
		t.Fatal(err)
	}
	c := f.store.Composer()
	if err := c.Terminater.AsTerminatableUpload(f.get(t, uploadA)).Terminate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.keys(t); len(got) != 0 {
		t.Fatalf("bucket after termination %v", got)
	}
}
