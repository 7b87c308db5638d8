package domain_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"vms/modules/media/domain"
)

type size struct {
	name string
	w, h int
}

func sizes(rungs []domain.Rung) []size {
	var out []size
	for _, r := range rungs {
		out = append(out, size{r.Name, r.Width, r.Height})
	}
	return out
}

func TestLadder(t *testing.T) {
	std := []int{360, 720, 1080}
	for _, tc := range []struct {
		name    string
		heights []int
		w, h    int
		want    []size
	}{
		{"1080p source gets the whole ladder", std, 1920, 1080, []size{{"360p", 640, 360}, {"720p", 1280, 720}, {"1080p", 1920, 1080}}},
		{"720p source: no upscale to 1080", std, 1280, 720, []size{{"360p", 640, 360}, {"720p", 1280, 720}}},
		{"between rungs: the rungs below", std, 1600, 900, []size{{"360p", 640, 360}, {"720p", 1280, 720}}},
		{"240p source below the lowest rung: one rendition at its height", std, 320, 240, []size{{"240p", 320, 240}}},
		{"odd source below the ladder: height rounded down to even", std, 321, 241, []size{{"240p", 320, 240}}},
		{"odd width keeps the aspect ratio, even", std, 1279, 719, []size{{"360p", 640, 360}}},
		{"4:3", std, 1440, 1080, []size{{"360p", 480, 360}, {"720p", 960, 720}, {"1080p", 1440, 1080}}},
		{"portrait", std, 1080, 1920, []size{{"360p", 202, 360}, {"720p", 406, 720}, {"1080p", 608, 1080}}},
		{"2.39:1 width rounds to even", []int{360}, 1920, 804, []size{{"360p", 860, 360}}},
		{"unsorted, repeated ladder", []int{720, 360, 720}, 1920, 1080, []size{{"360p", 640, 360}, {"720p", 1280, 720}}},
		{"no ladder: the source height", nil, 1920, 1080, []size{{"1080p", 1920, 1080}}},
		{"an odd rung is made even", []int{361}, 1920, 1080, []size{{"360p", 640, 360}}},
		{"a rung equal to an odd source height", []int{359}, 640, 359, []size{{"358p", 638, 358}}},
		{"a tiny source", std, 3, 1, []size{{"2p", 6, 2}}},
		{"a very thin source keeps a width of 2", std, 1, 400, []size{{"360p", 2, 360}}},
		{"no size", std, 0, 0, nil},
		{"no height", std, 640, 0, nil},
		{"no width", std, 0, 480, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := domain.Ladder(tc.heights, tc.w, tc.h)
			if !reflect.DeepEqual(sizes(got), tc.want) {
				t.Fatalf("Ladder(%v, %d, %d) = %v, want %v", tc.heights, tc.w, tc.h, sizes(got), tc.want)
			}
			for _, r := range got {
				if r.Width%2 != 0 || r.Height%2 != 0 || r.Bitrate != domain.VideoBitrate(r.Width, r.Height) ||
					r.MaxRate != r.Bitrate*11/10 || r.BufSize != 2*r.Bitrate {
					t.Fatalf("rung %+v", r)
				}
			}
		})
	}
	// The ladder handed in is left as it was.
	in := []int{720, 360}
	domain.Ladder(in, 1920, 1080)
	if in[0] != 720 {
		t.Fatal("Ladder sorted its argument")
	}
}

func TestVideoBitrate(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		want int64
	}{
		{426, 240, 399_000}, // 16:9 at 240 lines (426.7 wide): the table's 400k, a little under
		{640, 360, 800_000},
		{1280, 720, 2_800_000},
		{1920, 1080, 5_000_000},
		{2560, 1440, 8_000_000},
		{3840, 2160, 14_000_000},
		{7680, 4320, 56_000_000}, // beyond the table: proportional
		{320, 240, 300_000},      // 4:3 under the table's first row: proportional
		{256, 144, 144_000},
		{16, 16, domain.MinVideoBitrate},
		{960, 720, 2_170_000},   // 691,200 px, 55 % of the way from 480 (409,600 px) to 720 (921,600 px)
		{1440, 1080, 4_010_000}, // 1,555,200 px, 55 % of the way from 720 to 1080 (2,073,600 px)
		{854, 480, 1_401_000},   // a little over 16:9 at 480 lines (409,920 px)
		{1000, 562, 1_817_000},
	} {
		if got := domain.VideoBitrate(tc.w, tc.h); got != tc.want {
			t.Errorf("VideoBitrate(%d, %d) = %d, want %d", tc.w, tc.h, got, tc.want)
		}
	}
	// More pixels never get fewer bits.
	prev := int64(0)
	for h := 2; h <= 4320; h += 2 {
		b := domain.VideoBitrate(h*16/9, h)
		if b < prev {
			t.Fatalf("VideoBitrate at %d lines = %d, under %d at fewer", h, b, prev)
		}
		prev = b
	}
}

func TestPlanTranscode(t *testing.T) {
	p := domain.Probe{Width: 1920, Height: 1080, VideoCodec: "h264", AudioCodec: "aac"}
	plan := domain.PlanTranscode([]int{360, 720}, p)
	if !plan.Audio || len(plan.Rungs) != 2 || plan.Rungs[1].Name != "720p" {
		t.Fatalf("plan = %+v", plan)
	}
	p.AudioCodec = ""
	if plan := domain.PlanTranscode([]int{360}, p); plan.Audio || len(plan.Rungs) != 1 {
		t.Fatalf("plan without audio = %+v", plan)
	}
}

func TestContentType(t *testing.T) {
	for name, want := range map[string]string{
		"master.m3u8":        "application/vnd.apple.mpegurl",
		"720p/index.m3u8":    "application/vnd.apple.mpegurl",
		"720p/init.mp4":      "video/mp4",
		"720p/seg_00001.m4s": "video/iso.segment",
	} {
		if got := domain.ContentType(name); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", name, got, want)
		}
	}
}

const ffmpegMaster = "#EXTM3U\r\n#EXT-X-VERSION:7\r\n" +
	"#EXT-X-STREAM-INF:BANDWIDTH=1020800,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\"\r\n360p/index.m3u8\r\n\r\n" +
	"#EXT-X-STREAM-INF:BANDWIDTH=3220800,CODECS=\"avc1.64001f\",RESOLUTION=1280x720,FRAME-RATE=25.000\r\n720p/index.m3u8\r\n"

func TestParseMaster(t *testing.T) {
	got, err := domain.ParseMaster(ffmpegMaster)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Variant{
		{URI: "360p/index.m3u8", Bandwidth: 1020800, Width: 640, Height: 360, Codecs: "avc1.64001e,mp4a.40.2"},
		{URI: "720p/index.m3u8", Bandwidth: 3220800, Width: 1280, Height: 720, Codecs: "avc1.64001f"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseMaster = %+v, want %+v", got, want)
	}
	if got, err := domain.ParseMaster("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,NAME\na.m3u8"); err != nil || len(got) != 1 || got[0].Width != 0 || got[0].URI != "a.m3u8" {
		t.Fatalf("a stream without RESOLUTION = %+v, %v", got, err)
	}
	for name, text := range map[string]string{
		"not a playlist":   "EXTM3U\n",
		"empty":            "",
		"no bandwidth":     "#EXTM3U\n#EXT-X-STREAM-INF:RESOLUTION=1x1\na.m3u8\n",
		"bad resolution":   "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=640\na.m3u8\n",
		"bad height":       "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=640xhigh\na.m3u8\n",
		"uri without info": "#EXTM3U\na.m3u8\n",
		"info without uri": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n",
	} {
		if got, err := domain.ParseMaster(text); err == nil {
			t.Errorf("%s: ParseMaster = %+v, want an error", name, got)
		}
	}
	if _, err := domain.ParseMaster("<html>"); !errors.Is(err, domain.ErrNotPlaylist) {
		t.Errorf("ParseMaster of HTML = %v, want ErrNotPlaylist", err)
	}
}

func TestParseMediaPlaylist(t *testing.T) {
	text := "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:6\n#EXT-X-MAP:URI=\"init_0.mp4\"\n" +
		"#EXTINF:6.000000,\nseg_00001.m4s\n\n#EXTINF:2.5,title, with comma\nseg_00002.m4s\n#EXT-X-ENDLIST\n"
	got, err := domain.ParseMediaPlaylist(text)
	if err != nil {
		t.Fatal(err)
	}
	want := domain.MediaPlaylist{Map: "init_0.mp4", Segments: []domain.Segment{{URI: "seg_00001.m4s", Seconds: 6}, {URI: "seg_00002.m4s", Seconds: 2.5}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseMediaPlaylist = %+v, want %+v", got, want)
	}
	if got, err := domain.ParseMediaPlaylist("#EXTM3U\n#EXTINF:0,\na.ts\n"); err != nil || len(got.Segments) != 1 || got.Map != "" {
		t.Fatalf("a zero-length segment without map = %+v, %v", got, err)
	}
	for name, text := range map[string]string{
		"not a playlist":       "seg.m4s\n",
		"segment without info": "#EXTM3U\nseg_00001.m4s\n",
		"info used twice":      "#EXTM3U\n#EXTINF:6,\na.m4s\nb.m4s\n",
		"bad duration":         "#EXTM3U\n#EXTINF:six,\na.m4s\n",
		"negative duration":    "#EXTM3U\n#EXTINF:-1,\na.m4s\n",
	} {
		if got, err := domain.ParseMediaPlaylist(text); err == nil {
			t.Errorf("%s: ParseMediaPlaylist = %+v, want an error", name, got)
		}
	}
}

func TestBandwidths(t *testing.T) {
	for _, tc := range []struct {
		name          string
		segs          []domain.SizedSegment
		peak, average int64
	}{
		{"none", nil, 0, 0},
		{"one", []domain.SizedSegment{{Bytes: 750_000, Seconds: 6}}, 1_000_000, 1_000_000},
		{"a short last segment is the peak", []domain.SizedSegment{{Bytes: 750_000, Seconds: 6}, {Bytes: 500_000, Seconds: 2}}, 2_000_000, 1_250_000},
		{"the peak is rounded up", []domain.SizedSegment{{Bytes: 1, Seconds: 3}}, 3, 3},
		{"the average is rounded", []domain.SizedSegment{{Bytes: 1, Seconds: 3}, {Bytes: 1, Seconds: 3}}, 3, 3},
		{"a segment without duration adds only bits", []domain.SizedSegment{{Bytes: 100, Seconds: 1}, {Bytes: 100, Seconds: 0}}, 800, 1600},
		{"no duration at all", []domain.SizedSegment{{Bytes: 100}}, 0, 0},
	} {
		if peak, avg := domain.Bandwidths(tc.segs); peak != tc.peak || avg != tc.average {
			t.Errorf("%s: Bandwidths = %d, %d; want %d, %d", tc.name, peak, avg, tc.peak, tc.average)
		}
	}
}

func TestMasterPlaylist(t *testing.T) {
	rs := []domain.Rendition{
		{Name: "720p", Width: 1280, Height: 720, Bandwidth: 3_000_000, AverageBandwidth: 2_500_000, Codecs: "avc1.64001f,mp4a.40.2"},
		{Name: "360p", Width: 640, Height: 360, Bandwidth: 900_000, AverageBandwidth: 800_000, Codecs: "avc1.64001e,mp4a.40.2"},
	}
	want := strings.Join([]string{
		"#EXTM3U",
		"#EXT-X-VERSION:7",
		"#EXT-X-INDEPENDENT-SEGMENTS",
		`#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"`,
		"360p/index.m3u8",
		`#EXT-X-STREAM-INF:BANDWIDTH=3000000,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"`,
		"720p/index.m3u8",
		"",
	}, "\n")
	if got := domain.MasterPlaylist(rs); got != want {
		t.Fatalf("MasterPlaylist =\n%s\nwant\n%s", got, want)
	}
	if rs[0].Name != "720p" {
		t.Fatal("MasterPlaylist sorted its argument")
	}
	// What it writes reads back.
	vs, err := domain.ParseMaster(domain.MasterPlaylist(rs))
	if err != nil || len(vs) != 2 || vs[1].Codecs != rs[0].Codecs || vs[1].Width != 1280 {
		t.Fatalf("ParseMaster(MasterPlaylist) = %+v, %v", vs, err)
	}
}

func TestHasHLS(t *testing.T) {
	if (domain.Media{}).HasHLS() || !(domain.Media{Renditions: []domain.Rendition{{Name: "240p"}}}).HasHLS() {
		t.Fatal("HasHLS is not len(Renditions) > 0")
	}
}
