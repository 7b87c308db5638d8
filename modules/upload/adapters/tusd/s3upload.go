package tusd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"os"

	"github.com/tus/tusd/v2/pkg/handler"

	"vms/modules/upload/ports"
)

// s3Upload is an s3store upload seen under the upload service's id. Its chunks are
// checked against Upload-Checksum before s3store gets them, and hashed as they go.
type s3Upload struct {
	handler.Upload
	id    string
	parts *s3Parts
	state ports.MultipartState
}

// GetInfo is s3store's description with the upload service's id.
func (u *s3Upload) GetInfo(ctx context.Context) (handler.FileInfo, error) {
	info, err := u.Upload.GetInfo(ctx)
	info.ID = u.id
	return info, err
}

// WriteChunk hands the chunk to s3store, which sends full parts to the multipart upload
// and keeps a short tail in the .part object. A chunk sent with Upload-Checksum is first
// buffered in a temporary file and verified: S3 parts cannot be taken back, so a
// mismatch (460) must leave before s3store sees a byte, and the upload stays where it
// was. The bytes s3store takes extend the running sha256 kept in the row.
func (u *s3Upload) WriteChunk(ctx context.Context, offset int64, src io.Reader) (int64, error) {
	if want, ok := ctx.Value(checksumKey{}).(checksum); ok {
		f, err := bufferVerified(src, want)
		if err != nil {
			return 0, err
		}
		defer f.discard()
		src = f.File
	}
	running := resumeHash(u.state, offset)
	body := &hashingReader{r: src, h: running}
	n, err := u.Upload.WriteChunk(ctx, offset, body)
	u.recordHash(ctx, running, offset, n, err == nil && body.n == n)
	return n, err
}

// recordHash keeps the running sha256 after a chunk of n bytes at offset; when the
// chunk did not go through whole (s3store may have sent some parts but not others) the
// hash no longer matches the stored bytes and is dropped, so the video gets no sha256
// rather than a wrong one.
func (u *s3Upload) recordHash(ctx context.Context, running hash.Hash, offset, n int64, whole bool) {
	next := ports.MultipartState{MultipartID: u.state.MultipartID, VideoID: u.state.VideoID}
	if running != nil && whole {
		next.SHA256Offset, next.SHA256State = offset+n, marshalHash(running)
	}
	if next.SHA256Offset == u.state.SHA256Offset && bytes.Equal(next.SHA256State, u.state.SHA256State) {
		return
	}
	if err := u.parts.states.SetMultipartState(context.WithoutCancel(ctx), u.id, next); err != nil {
		// The stale hash no longer matches the next chunk's offset and is dropped then.
		slog.WarnContext(ctx, "record upload sha256", "upload", u.id, "err", err)
		return
	}
	u.state = next
}

// hashingReader adds what it reads to h (when not nil) and counts it.
type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if r.h != nil {
		r.h.Write(p[:n])
	}
	r.n += int64(n)
	return n, err
}

// resumeHash is the running sha256 of state when it covers exactly the first offset
// bytes, else nil.
func resumeHash(state ports.MultipartState, offset int64) hash.Hash {
	if state.SHA256State == nil || state.SHA256Offset != offset {
		return nil
	}
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state.SHA256State); err != nil {
		return nil
	}
	return h
}

// marshalHash is h's state (the standard library's hashes marshal without error).
func marshalHash(h hash.Hash) []byte {
	b, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil
	}
	return b
}

// bufferedChunk is a chunk verified against its Upload-Checksum, in a temporary file.
type bufferedChunk struct{ *os.File }

// discard closes and deletes the file.
func (b bufferedChunk) discard() {
	_ = b.Close()
	_ = os.Remove(b.Name())
}

// bufferVerified copies src into a temporary file (in the system's temp folder, where
// s3store buffers its parts too) while hashing it and returns the file, at its start,
// when the hash is want's; ErrChecksumMismatch otherwise.
func bufferVerified(src io.Reader, want checksum) (bufferedChunk, error) {
	f, err := os.CreateTemp("", "vms-upload-chunk-")
	if err != nil {
		return bufferedChunk{}, fmt.Errorf("buffer chunk: %w", err)
	}
	b := bufferedChunk{f}
	h := want.newHash()
	if _, err := io.Copy(io.MultiWriter(f, h), src); err != nil {
		b.discard()
		return bufferedChunk{}, fmt.Errorf("buffer chunk: %w", err)
	}
	if !bytes.Equal(h.Sum(nil), want.sum) {
		b.discard()
		return bufferedChunk{}, ErrChecksumMismatch
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		b.discard()
		return bufferedChunk{}, fmt.Errorf("buffer chunk: %w", err)
	}
	return b, nil
}
