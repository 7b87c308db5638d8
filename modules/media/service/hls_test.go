package service_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"vms/modules/media/domain"
	"vms/modules/media/fake"
	"vms/modules/media/service"
	"vms/platform/kind"
)

var hd = domain.Probe{DurationSeconds: 8, Width: 1280, Height: 720, VideoCodec: "h264", AudioCodec: "aac", Bitrate: 3_000_000}

// newHLSEnv is an env whose service has the ladder 360, 720, 1080 and a 720p video 7 to process.
func newHLSEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(true)
	e.svc = service.New(service.Deps{Repo: e.repo, Files: e.files, Tools: e.tools, Queue: e.queue, UoW: fake.UoW{},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Ladder: []int{360, 720, 1080}})
	e.tools.Probed = hd
	if err := e.svc.Track(context.Background(), 7, "orig"); err != nil {
		t.Fatal(err)
	}
	return e
}

// hlsPaths are the paths of the fake transcode's output of these renditions.
func hlsPaths(names ...string) []string {
	out := []string{"master.m3u8"}
	for _, n := range names {
		out = append(out, n+"/index.m3u8", n+"/init.mp4", n+"/seg_00001.m4s", n+"/seg_00002.m4s")
	}
	slices.Sort(out)
	return out
}

func (e *env) hlsKeys(t *testing.T, id int64) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range e.repo.HLSFiles(id) {
		if _, dup := out[f.Path]; dup {
			t.Fatalf("%s recorded twice", f.Path)
		}
		out[f.Path] = f.Key
	}
	return out
}

func (e *env) object(t *testing.T, key string) string {
	t.Helper()
	b, ok := e.files.Keys()[key]
	if !ok {
		t.Fatalf("no object %q", key)
	}
	return string(b)
}

func TestProcessStoresHLS(t *testing.T) {
	e := newHLSEnv(t)
	ctx := context.Background()
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if len(e.tools.Plans) != 1 || !reflect.DeepEqual(e.tools.Plans[0], domain.PlanTranscode([]int{360, 720, 1080}, hd)) {
		t.Fatalf("transcode plans = %+v", e.tools.Plans)
	}
	// The fake's segments: 6 s at 1000 bit/s per line, 2 s at 2000 (the peak); 1250 on average.
	want := []domain.Rendition{
		{Name: "360p", Width: 640, Height: 360, Bandwidth: 720_000, AverageBandwidth: 450_000, Codecs: "avc1.64001f,mp4a.40.2"},
		{Name: "720p", Width: 1280, Height: 720, Bandwidth: 1_440_000, AverageBandwidth: 900_000, Codecs: "avc1.64001f,mp4a.40.2"},
	}
	m := e.media(t, 7)
	if m.Status != domain.Ready || !reflect.DeepEqual(m.Renditions, want) || !m.HasHLS() || m.PosterKey == "" {
		t.Fatalf("media = %+v, want renditions %+v", m, want)
	}
	if of, err := e.svc.Of(ctx, []int64{7}); err != nil || !reflect.DeepEqual(of[7].Renditions, want) {
		t.Fatalf("Of = %+v, %v", of, err)
	}
	keys := e.hlsKeys(t, 7)
	paths := make([]string, 0, len(keys))
	for p := range keys {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	if !slices.Equal(paths, hlsPaths("360p", "720p")) {
		t.Fatalf("HLS paths = %v", paths)
	}
	// Every file is stored with its content, content type and size, and found by its path.
	out := fake.HLS(e.tools.Plans[0])
	for _, f := range e.repo.HLSFiles(7) {
		key, err := e.svc.HLSFile(ctx, 7, f.Path)
		if err != nil || key != f.Key {
			t.Fatalf("HLSFile(%s) = %q, %v; want %q", f.Path, key, err, f.Key)
		}
		body := e.object(t, key)
		if f.Size != int64(len(body)) {
			t.Fatalf("%s recorded with %d bytes, stored %d", f.Path, f.Size, len(body))
		}
		if ct := e.files.ContentType(key); ct != domain.ContentType(f.Path) {
			t.Fatalf("%s stored as %q", f.Path, ct)
		}
		if f.Path != "master.m3u8" && body != string(out[f.Path].Data) {
			t.Fatalf("%s stored as %q", f.Path, body)
		}
	}
	// The master playlist is the service's own, not ffmpeg's.
	master := e.object(t, keys["master.m3u8"])
	if master != domain.MasterPlaylist(want) {
		t.Fatalf("master playlist:\n%s", master)
	}
	for _, line := range []string{
		"#EXT-X-INDEPENDENT-SEGMENTS",
		`#EXT-X-STREAM-INF:BANDWIDTH=720000,AVERAGE-BANDWIDTH=450000,RESOLUTION=640x360,CODECS="avc1.64001f,mp4a.40.2"`,
		`#EXT-X-STREAM-INF:BANDWIDTH=1440000,AVERAGE-BANDWIDTH=900000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"`,
	} {
		if !strings.Contains(master, line+"\n") {
			t.Fatalf("master playlist lacks %s:\n%s", line, master)
		}
	}
	// The original, the poster, the master and four files per rendition.
	if n := len(e.files.Keys()); n != 11 {
		t.Fatalf("%d stored objects, want 11", n)
	}
}

func TestHLSFileOfAnUnknownPathIsNotFound(t *testing.T) {
	e := newHLSEnv(t)
	ctx := context.Background()
	for _, p := range []string{"master.m3u8", "360p/index.m3u8"} {
		if _, err := e.svc.HLSFile(ctx, 7, p); !errors.Is(err, domain.ErrNoHLSFile) || kind.Of(err) != kind.NotFound {
			t.Fatalf("HLSFile(%s) before processing = %v, want not found", p, err)
		}
	}
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "1080p/index.m3u8", "360p/seg_00003.m4s", "360p/init_0.mp4", "/master.m3u8", "360p/../master.m3u8", "360P/index.m3u8", "orig"} {
		if key, err := e.svc.HLSFile(ctx, 7, p); !errors.Is(err, domain.ErrNoHLSFile) || kind.Of(err) != kind.NotFound || key != "" {
			t.Fatalf("HLSFile(%q) = %q, %v; want not found", p, key, err)
		}
	}
	if _, err := e.svc.HLSFile(ctx, 8, "master.m3u8"); !errors.Is(err, domain.ErrNoHLSFile) {
		t.Fatalf("HLSFile of another video = %v", err)
	}
	e.repo.Err = errors.New("db down")
	if _, err := e.svc.HLSFile(ctx, 7, "master.m3u8"); !errors.Is(err, e.repo.Err) || kind.Of(err) == kind.NotFound {
		t.Fatalf("HLSFile with the database down = %v, want its error", err)
	}
}

func TestReprocessReplacesHLS(t *testing.T) {
	e := newHLSEnv(t)
	ctx := context.Background()
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	first := e.hlsKeys(t, 7)
	firstPoster := e.media(t, 7).PosterKey
	if err := e.svc.Reprocess(ctx, 7, "orig"); err != nil {
		t.Fatal(err)
	}
	// While it runs, the earlier HLS is still served.
	if m := e.media(t, 7); m.Status != domain.Processing || len(m.Renditions) != 2 {
		t.Fatalf("media while reprocessing = %+v", m)
	}
	if key, err := e.svc.HLSFile(ctx, 7, "master.m3u8"); err != nil || key != first["master.m3u8"] {
		t.Fatalf("HLSFile while reprocessing = %q, %v", key, err)
	}
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	second := e.hlsKeys(t, 7)
	if len(second) != len(first) {
		t.Fatalf("second HLS has %d files, the first %d", len(second), len(first))
	}
	deleted := e.files.Deleted
	for p, key := range first {
		if second[p] == key {
			t.Fatalf("%s kept its key %s", p, key)
		}
		if !slices.Contains(deleted, key) {
			t.Fatalf("the old %s (%s) was not deleted: %v", p, key, deleted)
		}
		if got, err := e.svc.HLSFile(ctx, 7, p); err != nil || got != second[p] {
			t.Fatalf("HLSFile(%s) = %q, %v; want the new %q", p, got, err, second[p])
		}
	}
	if len(deleted) != len(first)+1 || !slices.Contains(deleted, firstPoster) {
		t.Fatalf("deleted %v, want the old poster and the %d old HLS files", deleted, len(first))
	}
	if n := len(e.files.Keys()); n != 11 {
		t.Fatalf("%d stored objects after reprocessing, want 11", n)
	}
}

// A file without a picture gets no HLS, and loses any it had.
func TestAudioOnlyHasNoHLS(t *testing.T) {
	e := newHLSEnv(t)
	ctx := context.Background()
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	first := e.hlsKeys(t, 7)
	e.tools.Probed = domain.Probe{DurationSeconds: 3, AudioCodec: "mp3"}
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if m := e.media(t, 7); m.Status != domain.Ready || m.HasHLS() || len(e.tools.Plans) != 1 {
		t.Fatalf("media = %+v after %d transcodes", m, len(e.tools.Plans))
	}
	if len(e.repo.HLSFiles(7)) != 0 {
		t.Fatalf("HLS files left: %v", e.repo.HLSFiles(7))
	}
	for p, key := range first {
		if !slices.Contains(e.files.Deleted, key) {
			t.Fatalf("the old %s was not deleted", p)
		}
	}
	if n := len(e.files.Keys()); n != 1 {
		t.Fatalf("%d stored objects, want the original only", n)
	}
}

func TestVideoWithoutAudioAndNoLadderRung(t *testing.T) {
	e := newHLSEnv(t)
	e.tools.Probed = domain.Probe{DurationSeconds: 2, Width: 320, Height: 240, VideoCodec: "vp9"}
	if err := e.svc.Process(context.Background(), 7); err != nil {
		t.Fatal(err)
	}
	want := []domain.Rendition{{Name: "240p", Width: 320, Height: 240, Bandwidth: 480_000, AverageBandwidth: 300_000, Codecs: "avc1.64001f"}}
	if m := e.media(t, 7); !reflect.DeepEqual(m.Renditions, want) || e.tools.Plans[0].Audio {
		t.Fatalf("renditions = %+v (plan %+v), want %+v", m.Renditions, e.tools.Plans[0], want)
	}
}

// onlyOriginal fails unless the storage holds exactly the original.
func (e *env) onlyOriginal(t *testing.T) {
	t.Helper()
	if keys := e.files.Keys(); len(keys) != 1 || keys["orig"] == nil {
		t.Fatalf("storage holds %d objects, want the original only", len(keys))
	}
}

func TestTranscodeFailures(t *testing.T) {
	unreadable := &domain.UnreadableError{Reason: "ffmpeg could not read the file: Invalid data"}
	t.Run("unreadable file fails without retry", func(t *testing.T) {
		e := newHLSEnv(t)
		e.tools.TranscodeErr = unreadable
		if err := e.svc.Process(context.Background(), 7); err != nil {
			t.Fatalf("Process = %v, want nil", err)
		}
		if m := e.media(t, 7); m.Status != domain.Failed || m.Error != unreadable.Reason || m.PosterKey != "" || m.HasHLS() {
			t.Fatalf("media = %+v", m)
		}
		e.onlyOriginal(t)
	})
	t.Run("the job's end is retried", func(t *testing.T) {
		e := newHLSEnv(t)
		e.tools.TranscodeErr = context.Canceled
		if err := e.svc.Process(context.Background(), 7); !errors.Is(err, context.Canceled) {
			t.Fatalf("Process = %v, want the cancellation", err)
		}
		if m := e.media(t, 7); m.Status != domain.Processing {
			t.Fatalf("media = %+v, want still processing", m)
		}
		e.onlyOriginal(t)
	})
	t.Run("no output", func(t *testing.T) {
		e := newHLSEnv(t)
		e.tools.NoOutput = true
		if err := e.svc.Process(context.Background(), 7); err != nil {
			t.Fatal(err)
		}
		if m := e.media(t, 7); m.Status != domain.Failed || !strings.Contains(m.Error, "no output") {
			t.Fatalf("media = %+v", m)
		}
		e.onlyOriginal(t)
	})
	// A storage failure on any file is retried, and what was stored is deleted again:
	// the poster is Put 1, then 360p's index, init and segments (2-5), then 720p's (6-9),
	// then the master (10).
	for _, n := range []int{2, 3, 4, 5, 9, 10} {
		e := newHLSEnv(t)
		e.files.FailPut = n
		if err := e.svc.Process(context.Background(), 7); !errors.Is(err, fake.ErrStorage) {
			t.Fatalf("Put %d failing: Process = %v, want the storage error", n, err)
		}
		if m := e.media(t, 7); m.Status != domain.Processing {
			t.Fatalf("Put %d failing: media = %+v, want still processing", n, m)
		}
		e.onlyOriginal(t)
		if len(e.files.Deleted) != n-1 {
			t.Fatalf("Put %d failing: deleted %v", n, e.files.Deleted)
		}
	}
}

// Output that is not what the tool was asked for fails the media at once.
func TestUnusableTranscodeOutput(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(out fstest.MapFS)
		want string
	}{
		"no master":              {func(out fstest.MapFS) { delete(out, "master.m3u8") }, "no master playlist"},
		"master not a playlist":  {func(out fstest.MapFS) { out["master.m3u8"].Data = []byte("<html>") }, "master playlist: not an M3U8"},
		"master lacks a rung":    {func(out fstest.MapFS) { out["master.m3u8"].Data = []byte("#EXTM3U\n") }, "lacks the rendition 360p"},
		"no media playlist":      {func(out fstest.MapFS) { delete(out, "720p/index.m3u8") }, "no media playlist"},
		"media playlist garbled": {func(out fstest.MapFS) { out["720p/index.m3u8"].Data = []byte("#EXTM3U\nseg.m4s\n") }, "720p/index.m3u8: segment"},
		"init renamed": {func(out fstest.MapFS) {
			out["360p/index.m3u8"].Data = []byte(strings.Replace(fake.MediaPlaylist, "init.mp4", "init_0.mp4", 1))
		}, `initialization segment "init_0.mp4"`},
		"no segments": {func(out fstest.MapFS) {
			out["720p/index.m3u8"].Data = []byte("#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXT-X-ENDLIST\n")
		}, "and 0 segments"},
		"segment elsewhere": {func(out fstest.MapFS) {
			out["720p/index.m3u8"].Data = []byte(strings.Replace(fake.MediaPlaylist, "seg_00002.m4s", "../360p/seg_00002.m4s", 1))
		}, "outside its folder"},
		"no init":           {func(out fstest.MapFS) { delete(out, "720p/init.mp4") }, "missing 720p/init.mp4"},
		"no second segment": {func(out fstest.MapFS) { delete(out, "720p/seg_00002.m4s") }, "missing 720p/seg_00002.m4s"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newHLSEnv(t)
			e.tools.Output = func(plan domain.TranscodePlan) fstest.MapFS {
				out := fake.HLS(plan)
				tc.edit(out)
				return out
			}
			if err := e.svc.Process(context.Background(), 7); err != nil {
				t.Fatalf("Process = %v, want nil (failed without retry)", err)
			}
			m := e.media(t, 7)
			if m.Status != domain.Failed || !strings.Contains(m.Error, "unusable HLS output") || !strings.Contains(m.Error, tc.want) || m.HasHLS() {
				t.Fatalf("media = %+v, want failed saying %q", m, tc.want)
			}
			e.onlyOriginal(t)
		})
	}
}

// When the new files cannot be recorded, they are deleted and the earlier ones stay.
func TestFailedSaveKeepsTheEarlierHLS(t *testing.T) {
	for name, fail := range map[string]func(r *fake.Repository, err error){
		"save":    func(r *fake.Repository, err error) { r.SaveErr = err },
		"replace": func(r *fake.Repository, err error) { r.ReplaceErr = err },
	} {
		t.Run(name, func(t *testing.T) {
			e := newHLSEnv(t)
			ctx := context.Background()
			if err := e.svc.Process(ctx, 7); err != nil {
				t.Fatal(err)
			}
			first := e.hlsKeys(t, 7)
			before := e.files.Keys()
			errDB := errors.New("db down")
			fail(e.repo, errDB)
			if err := e.svc.Process(ctx, 7); !errors.Is(err, errDB) {
				t.Fatalf("Process = %v, want the database error", err)
			}
			if after := e.files.Keys(); !reflect.DeepEqual(mapKeys(after), mapKeys(before)) {
				t.Fatalf("stored objects %v, want the earlier %v", mapKeys(after), mapKeys(before))
			}
			if got := e.hlsKeys(t, 7); !reflect.DeepEqual(got, first) {
				t.Fatalf("HLS files = %v, want the earlier %v", got, first)
			}
		})
	}
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// derivedBytes is what the video's poster and HLS files take in the fake storage.
func (e *env) derivedBytes(t *testing.T, id int64) int64 {
	t.Helper()
	var n int64
	for _, f := range e.repo.HLSFiles(id) {
		n += int64(len(e.object(t, f.Key)))
	}
	if key := e.media(t, id).PosterKey; key != "" {
		n += int64(len(e.object(t, key)))
	}
	return n
}

// Processing reports what the derived files take, in its unit of work; processing again
// reports the new set's size in place of the old; a failed save reports nothing.
func TestProcessReportsDerivedBytes(t *testing.T) {
	e := newHLSEnv(t)
	usage := &fake.Usage{}
	e.svc.Usage = usage
	ctx := context.Background()
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	first := e.derivedBytes(t, 7)
	if first == 0 || usage.Bytes[7] != first || usage.Calls != 1 {
		t.Fatalf("reported %v in %d calls, want %d", usage.Bytes, usage.Calls, first)
	}
	e.tools.Probed = domain.Probe{DurationSeconds: 8, Width: 640, Height: 360, VideoCodec: "h264", Bitrate: 800_000}
	if err := e.svc.Reprocess(ctx, 7, "orig"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Process(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if second := e.derivedBytes(t, 7); second >= first || usage.Bytes[7] != second || usage.Calls != 2 {
		t.Fatalf("after reprocessing reported %d, want %d (first %d)", usage.Bytes[7], second, first)
	}
	// The report is part of the save: when it fails, processing is retried.
	usage.Err = errors.New("usage down")
	if err := e.svc.Process(ctx, 7); !errors.Is(err, usage.Err) {
		t.Fatalf("Process with usage failing = %v", err)
	}
}
