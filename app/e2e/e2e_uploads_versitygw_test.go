package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"vms/app/apptest"
)

// s3UploadPrefix is the key prefix the S3 upload tests give the video storage.
const s3UploadPrefix = "vids/"

// s3Leftovers lists, in bucket, every multipart upload, every object under
// <prefix>uploads/ (tusd's .info and .part) and the objects of the removed uploads, and
// anything under DATA_DIR/uploads: with S3 storage no part touches the local disk.
func (s *realS3) s3Leftovers(a *apptest.App, bucket, prefix string) uploadLeftovers {
	return func(t *testing.T, removed ...string) []string {
		t.Helper()
		ctx := context.Background()
		var left []string
		mp, err := s.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range mp.Uploads {
			left = append(left, "multipart upload at "+aws.ToString(u.Key))
		}
		objs, err := s.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix + "uploads/")})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs.Contents {
			left = append(left, "object "+aws.ToString(o.Key))
		}
		for _, id := range removed {
			if _, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(prefix + id + ".bin")}); err == nil {
				left = append(left, "object "+prefix+id+".bin")
			}
		}
		if entries, err := os.ReadDir(filepath.Join(a.Config.DataDir, "uploads")); err == nil {
			for _, e := range entries {
				left = append(left, "local file "+e.Name())
			}
		}
		return left
	}
}

// s3StorageURL is a versitygw bucket's STORAGE_URL with a key prefix.
func (s *realS3) s3StorageURL(t *testing.T, bucket, prefix string) string {
	t.Helper()
	u := s.bucket(t, bucket)
	return strings.Replace(u, "@"+bucket+"?", "@"+bucket+"/"+strings.TrimSuffix(prefix, "/")+"?", 1)
}

// noLocalUploads fails when DATA_DIR/uploads exists: with S3 storage it is never made.
func noLocalUploads(t *testing.T, a *apptest.App) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(a.Config.DataDir, "uploads")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("DATA_DIR/uploads exists with S3 storage (%v)", err)
	}
}

// With S3 storage the parts of a resumable upload go to a multipart upload in the
// video storage's bucket (small chunks wait in a .part object), a checksum mismatch
// leaves the upload where it was, and the completed object becomes the video where it
// is, with the sha256 of the bytes sent. Termination and a refused file leave no object
// and no multipart upload; nothing is written under DATA_DIR/uploads.
func TestResumableUploadRealS3(t *testing.T) {
	gw := startVersitygw(t)
	for _, backend := range apptest.Backends() {
		t.Run(string(backend), func(t *testing.T) {
			bucket := "tus-" + string(backend)
			storage := gw.s3StorageURL(t, bucket, s3UploadPrefix)
			a := apptest.Start(t, backend, map[string]string{"STORAGE_URL": storage, "MAX_UPLOAD_BYTES": "8MiB"})
			left := gw.s3Leftovers(a, bucket, s3UploadPrefix)
			id, videoID, data := resumableUploadFlow(t, a, left)

			// The video keeps the completed multipart upload where it is, with its sha256.
			sum := sha256.Sum256(data)
			var row struct {
				StorageKey string
				SHA256     string `gorm:"column:sha256"`
				SizeBytes  int64
			}
			if err := a.DB.Gorm.Raw("SELECT storage_key, sha256, size_bytes FROM videos WHERE id = ?", videoID).Scan(&row).Error; err != nil {
				t.Fatal(err)
			}
			if row.StorageKey != s3UploadPrefix+id+".bin" || row.SHA256 != hex.EncodeToString(sum[:]) || row.SizeBytes != int64(len(data)) {
				t.Fatalf("video row %+v, want key %s%s.bin and the source's sha256", row, s3UploadPrefix, id)
			}
			head, err := gw.client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(row.StorageKey)})
			if err != nil || aws.ToInt64(head.ContentLength) != int64(len(data)) {
				t.Fatalf("video object: %v", err)
			}
			token := videoLogin(t, a, "admin@acme.example", "correct horse battery")
			res := a.Do(http.MethodGet, "/v1/videos/stream/"+strconv.FormatInt(videoID, 10), nil, token, "Range: bytes=0-99").Expect(t, http.StatusPartialContent)
			if res.Header.Get("ETag") != `"`+row.SHA256+`"` {
				t.Fatalf("stream ETag %q", res.Header.Get("ETag"))
			}

			// Chunks of 5 MiB and more become parts of their own; the tail waits in the
			// .part object until the last PATCH.
			big := append(append([]byte{}, data...), bytes.Repeat([]byte{0}, 6<<20-len(data))...)
			c := tusClient{t: t, a: a, token: token}
			_, bigID := c.create(len(big), tusMeta("name", "big"))
			cuts := []int{0, 5<<20 + 1, 5<<20 + 1 + 300_000, len(big)}
			for i := 0; i+1 < len(cuts); i++ {
				c.patch(bigID, cuts[i], big[cuts[i]:cuts[i+1]], sha256Header(big[cuts[i]:cuts[i+1]])).Expect(t, http.StatusNoContent)
				if i == 0 {
					parts, err := gw.client.ListParts(context.Background(), &s3.ListPartsInput{
						Bucket: aws.String(bucket), Key: aws.String(s3UploadPrefix + bigID + ".bin"), UploadId: aws.String(multipartID(t, a, bigID)),
					})
					if err != nil || len(parts.Parts) != 1 || aws.ToInt64(parts.Parts[0].Size) != int64(cuts[1]) {
						t.Fatalf("parts after the first chunk: %v", err)
					}
				}
			}
			if got := c.offset(bigID); got != len(big) {
				t.Fatalf("big upload offset %d", got)
			}
			var bigVideo int64
			if err := a.DB.Gorm.Raw("SELECT video_id FROM uploads WHERE id = ?", bigID).Scan(&bigVideo).Error; err != nil || bigVideo == 0 {
				t.Fatalf("big upload's video: %d, %v", bigVideo, err)
			}
			body := a.Do(http.MethodGet, "/v1/videos/stream/"+strconv.FormatInt(bigVideo, 10), nil, token).Expect(t, http.StatusOK).Body
			if sha256.Sum256(body) != sha256.Sum256(big) {
				t.Fatal("the big upload streams other bytes")
			}
			if l := left(t); len(l) != 0 {
				t.Fatalf("left after the big upload: %v", l)
			}
			noLocalUploads(t, a)
		})
	}
}

// An abandoned upload in S3 expires: the purge aborts its multipart upload and deletes
// tusd's objects and the row.
func TestResumableUploadExpiresRealS3(t *testing.T) {
	gw := startVersitygw(t)
	for _, backend := range apptest.Backends() {
		t.Run(string(backend), func(t *testing.T) {
			bucket := "tus-expiry-" + string(backend)
			a := apptest.Start(t, backend, map[string]string{"STORAGE_URL": gw.s3StorageURL(t, bucket, s3UploadPrefix), "UPLOAD_EXPIRY": "1s"})
			resumableUploadExpiry(t, a, gw.s3Leftovers(a, bucket, s3UploadPrefix))
			noLocalUploads(t, a)
		})
	}
}

// multipartID is the S3 multipart upload id kept in an upload's row.
func multipartID(t *testing.T, a *apptest.App, id string) string {
	t.Helper()
	var mp string
	if err := a.DB.Gorm.Raw("SELECT multipart_id FROM uploads WHERE id = ?", id).Scan(&mp).Error; err != nil || mp == "" {
		t.Fatalf("multipart id of %s: %q, %v", id, mp, err)
	}
	return mp
}
