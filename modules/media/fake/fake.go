// Package fake holds in-memory implementations of the media module's ports, for tests.
package fake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sync"
	"testing/fstest"

	"vms/modules/media/domain"
	"vms/modules/media/ports"
	"vms/platform/kind"
)

// Repository is an in-memory ports.Repository.
type Repository struct {
	mu   sync.Mutex
	rows map[int64]domain.Media
	hls  map[int64][]domain.HLSFile
	// Err, when set, fails every call; SaveErr fails Save, ReplaceErr ReplaceHLSFiles.
	Err        error
	SaveErr    error
	ReplaceErr error
}

var _ ports.Repository = (*Repository)(nil)

// NewRepository builds an empty repository.
func NewRepository() *Repository {
	return &Repository{rows: map[int64]domain.Media{}, hls: map[int64][]domain.HLSFile{}}
}

// Get returns a video's media.
func (r *Repository) Get(ctx context.Context, videoID int64) (domain.Media, bool, error) {
	if err := ctx.Err(); err != nil {
		return domain.Media{}, false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return domain.Media{}, false, r.Err
	}
	m, ok := r.rows[videoID]
	return m, ok, nil
}

// GetMany returns the media of those videos that have any.
func (r *Repository) GetMany(_ context.Context, ids []int64) (map[int64]domain.Media, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return nil, r.Err
	}
	out := map[int64]domain.Media{}
	for _, id := range ids {
		if m, ok := r.rows[id]; ok {
			out[id] = m
		}
	}
	return out, nil
}

// Begin inserts or resets a row.
func (r *Repository) Begin(_ context.Context, videoID int64, key string, status domain.Status) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	m := r.rows[videoID]
	m.VideoID, m.OriginalKey, m.Status, m.Error = videoID, key, status, ""
	r.rows[videoID] = m
	return nil
}

// Save writes what processing found.
func (r *Repository) Save(_ context.Context, m domain.Media) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	if r.SaveErr != nil {
		return r.SaveErr
	}
	if _, ok := r.rows[m.VideoID]; ok {
		r.rows[m.VideoID] = m
	}
	return nil
}

// Fail marks processing failed; like a database, it refuses an ended context.
func (r *Repository) Fail(ctx context.Context, videoID int64, reason string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	if m, ok := r.rows[videoID]; ok {
		m.Status, m.Error = domain.Failed, reason
		r.rows[videoID] = m
	}
	return nil
}

// ReplaceHLSFiles replaces the video's HLS file set.
func (r *Repository) ReplaceHLSFiles(_ context.Context, videoID int64, files []domain.HLSFile) ([]domain.HLSFile, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return nil, r.Err
	}
	if r.ReplaceErr != nil {
		return nil, r.ReplaceErr
	}
	old := r.hls[videoID]
	r.hls[videoID] = slices.Clone(files)
	return old, nil
}

// HLSFile returns the key of one of the video's HLS files.
func (r *Repository) HLSFile(_ context.Context, videoID int64, path string) (string, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return "", false, r.Err
	}
	for _, f := range r.hls[videoID] {
		if f.Path == path {
			return f.Key, true, nil
		}
	}
	return "", false, nil
}

// HLSFiles lists the video's HLS file set.
func (r *Repository) HLSFiles(videoID int64) []domain.HLSFile {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.hls[videoID])
}

// Files is an in-memory ports.Files.
type Files struct {
	mu      sync.Mutex
	objects map[string][]byte
	types   map[string]string
	next    int
	puts    int
	// PutErr, when set, fails every Put; DeleteErr every Delete.
	PutErr    error
	DeleteErr error
	// FailPut, when set, fails the Put with that number (1 for the first) with ErrStorage.
	FailPut int
	// Deleted lists the keys Delete was called with.
	Deleted []string
}

var _ ports.Files = (*Files)(nil)

// NewFiles builds an empty store.
func NewFiles() *Files { return &Files{objects: map[string][]byte{}, types: map[string]string{}} }

// Add stores an object under key.
func (f *Files) Add(key string, b []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[key] = b
}

// Keys lists the stored keys.
func (f *Files) Keys() map[string][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string][]byte, len(f.objects))
	for k, v := range f.objects {
		out[k] = v
	}
	return out
}

// ContentType returns the content type the object at key was stored with.
func (f *Files) ContentType(key string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.types[key]
}

// Open opens an object.
func (f *Files) Open(_ context.Context, key string) (io.ReadSeekCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.objects[key]
	if !ok {
		return nil, kind.New(kind.NotFound, "no object "+key)
	}
	return nopCloser{bytes.NewReader(b)}, nil
}

// Put stores a derived file under a generated key.
func (f *Files) Put(_ context.Context, r io.Reader, contentType string) (string, error) {
	if f.PutErr != nil {
		return "", f.PutErr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts++
	if f.puts == f.FailPut {
		return "", ErrStorage
	}
	f.next++
	key := fmt.Sprintf("derived-%d", f.next)
	f.objects[key] = b
	f.types[key] = contentType
	return key, nil
}

// Delete removes an object.
func (f *Files) Delete(_ context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Deleted = append(f.Deleted, key)
	if f.DeleteErr != nil {
		return f.DeleteErr
	}
	delete(f.objects, key)
	return nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// Tools is a scripted ports.Tools that records the poster offsets it was asked for.
type Tools struct {
	mu       sync.Mutex
	Probed   domain.Probe
	ProbeErr error
	JPEG     []byte
	ShotErr  error
	Offsets  []float64
	Widths   []int
	Probes   int
	// OnProbe, when set, runs during Probe (e.g. to end the job's context).
	OnProbe func()
	// Plans lists the transcode plans asked for. Output, when set, replaces HLS(plan) as
	// the transcode's output; TranscodeErr fails the transcode before its output is used;
	// NoOutput makes it succeed without handing any output to use.
	Plans        []domain.TranscodePlan
	Output       func(plan domain.TranscodePlan) fstest.MapFS
	TranscodeErr error
	NoOutput     bool
}

var _ ports.Tools = (*Tools)(nil)

// Probe returns the scripted probe after reading the input once.
func (t *Tools) Probe(ctx context.Context, in ports.Input) (domain.Probe, error) {
	t.mu.Lock()
	t.Probes++
	t.mu.Unlock()
	if t.OnProbe != nil {
		t.OnProbe()
	}
	r, err := in.Open(ctx)
	if err != nil {
		return domain.Probe{}, err
	}
	_ = r.Close()
	return t.Probed, t.ProbeErr
}

// Poster returns the scripted JPEG.
func (t *Tools) Poster(ctx context.Context, in ports.Input, offset float64, maxWidth int) ([]byte, error) {
	t.mu.Lock()
	t.Offsets = append(t.Offsets, offset)
	t.Widths = append(t.Widths, maxWidth)
	t.mu.Unlock()
	r, err := in.Open(ctx)
	if err != nil {
		return nil, err
	}
	_ = r.Close()
	return t.JPEG, t.ShotErr
}

// Transcode hands HLS(plan) (or Output(plan)) to use after reading the input once.
func (t *Tools) Transcode(ctx context.Context, in ports.Input, plan domain.TranscodePlan, use func(out fs.FS) error) error {
	t.mu.Lock()
	t.Plans = append(t.Plans, plan)
	t.mu.Unlock()
	r, err := in.Open(ctx)
	if err != nil {
		return err
	}
	_ = r.Close()
	if t.TranscodeErr != nil || t.NoOutput {
		return t.TranscodeErr
	}
	out := HLS(plan)
	if t.Output != nil {
		out = t.Output(plan)
	}
	return use(out)
}

// HLS is a small transcode output as ffmpeg writes it: a master playlist with each
// rung's RESOLUTION and CODECS (avc1.64001f, with mp4a.40.2 when the plan has audio), and
// per rung an index.m3u8 of two segments, seg_00001.m4s of 6 s and 750 bytes per line of
// height (1000 × height bit/s) and seg_00002.m4s of 2 s and 500 bytes per line (2000 ×
// height bit/s, the peak), with a 100-byte init.mp4.
func HLS(plan domain.TranscodePlan) fstest.MapFS {
	codecs := "avc1.64001f"
	if plan.Audio {
		codecs += ",mp4a.40.2"
	}
	master := "#EXTM3U\n#EXT-X-VERSION:7\n"
	out := fstest.MapFS{}
	for _, r := range plan.Rungs {
		master += fmt.Sprintf("#EXT-X-STREAM-INF:BANDWIDTH=%d,RESOLUTION=%dx%d,CODECS=\"%s\"\n%s/index.m3u8\n\n", r.MaxRate, r.Width, r.Height, codecs, r.Name)
		out[r.Name+"/index.m3u8"] = &fstest.MapFile{Data: []byte(MediaPlaylist)}
		out[r.Name+"/init.mp4"] = &fstest.MapFile{Data: bytes.Repeat([]byte{'i'}, 100)}
		out[r.Name+"/seg_00001.m4s"] = &fstest.MapFile{Data: bytes.Repeat([]byte{'1'}, 750*r.Height)}
		out[r.Name+"/seg_00002.m4s"] = &fstest.MapFile{Data: bytes.Repeat([]byte{'2'}, 500*r.Height)}
	}
	out["master.m3u8"] = &fstest.MapFile{Data: []byte(master)}
	return out
}

// MediaPlaylist is the media playlist of every rung of HLS.
const MediaPlaylist = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:6
#EXT-X-MEDIA-SEQUENCE:1
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="init.mp4"
#EXTINF:6.000000,
seg_00001.m4s
#EXTINF:2.000000,
seg_00002.m4s
#EXT-X-ENDLIST
`

// Queue records enqueued videos.
type Queue struct {
	mu  sync.Mutex
	IDs []int64
	Err error
}

// Enqueue records the video.
func (q *Queue) Enqueue(_ context.Context, videoID int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.Err != nil {
		return q.Err
	}
	q.IDs = append(q.IDs, videoID)
	return nil
}

// UoW runs the function as it is.
type UoW struct{}

// Do calls fn.
func (UoW) Do(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }

// ErrStorage is a transient storage failure for tests.
var ErrStorage = errors.New("storage unavailable")

// Usage is a ports.Usage that records the derived bytes reported per video.
type Usage struct {
	mu    sync.Mutex
	Bytes map[int64]int64
	Calls int
	// Err, when set, is returned by every report.
	Err error
}

var _ ports.Usage = (*Usage)(nil)

// DerivedChanged records the report.
func (u *Usage) DerivedChanged(_ context.Context, videoID, bytes int64) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.Calls++
	if u.Err != nil {
		return u.Err
	}
	if u.Bytes == nil {
		u.Bytes = map[int64]int64{}
	}
	u.Bytes[videoID] = bytes
	return nil
}
