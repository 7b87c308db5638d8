package domain

import (
	"net/url"
	"testing"
)

func TestParseHLSPath(t *testing.T) {
	for p, want := range map[string]HLSFileKind{
		"master.m3u8":         HLSPlaylist,
		"720p/index.m3u8":     HLSPlaylist,
		"1080p/init.mp4":      HLSInit,
		"360p/seg_00001.m4s":  HLSSegment,
		"2160p/seg_99999.m4s": HLSSegment,
	} {
		if got, err := ParseHLSPath(p); err != nil || got != want {
			t.Errorf("ParseHLSPath(%q) = %v, %v; want %v", p, got, err, want)
		}
	}
	for _, p := range []string{
		"", "/master.m3u8", "master.m3u8/", "../master.m3u8", "720p/../../1/master.m3u8", "720p//index.m3u8",
		"720p%2Findex.m3u8", "720p/index.m3u8?x", "720p/seg_1.m4s", "720p/seg_000001.m4s", "72p/index.m3u8",
		"720/index.m3u8", "720p/other.mp4", "master.m3u", "MASTER.M3U8", "720p/seg_00001.m4s/x", "720p\\index.m3u8",
		"720p/init.mp4\x00", "12345p/index.m3u8",
	} {
		if _, err := ParseHLSPath(p); err != ErrNotFound {
			t.Errorf("ParseHLSPath(%q) = %v, want ErrNotFound", p, err)
		}
	}
}

func TestRewritePlaylist(t *testing.T) {
	media := "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:6.000000,\nseg_00000.m4s\n#EXTINF:2.0,\r\nseg_00001.m4s\r\n#EXT-X-ENDLIST\n"
	got := string(RewritePlaylist([]byte(media), url.Values{"token": {"a.b-c"}, "v": {"k1"}}))
	want := "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI=\"init.mp4?token=a.b-c&v=k1\"\n#EXTINF:6.000000,\nseg_00000.m4s?token=a.b-c&v=k1\n#EXTINF:2.0,\r\nseg_00001.m4s?token=a.b-c&v=k1\r\n#EXT-X-ENDLIST\n"
	if got != want {
		t.Fatalf("rewritten:\n%q\nwant\n%q", got, want)
	}
	master := "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=2x2,CODECS=\"avc1.4d401f,mp4a.40.2\"\n720p/index.m3u8\n\n"
	if got := string(RewritePlaylist([]byte(master), url.Values{"v": {"x"}})); got != "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=2x2,CODECS=\"avc1.4d401f,mp4a.40.2\"\n720p/index.m3u8?v=x\n\n" {
		t.Fatalf("master rewritten: %q", got)
	}
	if got := string(RewritePlaylist([]byte("x\n"), nil)); got != "x\n" {
		t.Fatalf("no query: %q", got)
	}
	if got := string(RewritePlaylist([]byte("a?b=1\n"), url.Values{"v": {"2"}})); got != "a?b=1&v=2\n" {
		t.Fatalf("existing query: %q", got)
	}
}
