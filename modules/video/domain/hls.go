package domain

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
)

// HLSFileKind tells what a file of a video's HLS renditions is.
type HLSFileKind int

// The HLS file kinds.
const (
	// HLSPlaylist is the master playlist or a rendition's media playlist.
	HLSPlaylist HLSFileKind = iota + 1
	// HLSInit is a rendition's initialisation section (fMP4 header).
	HLSInit
	// HLSSegment is a media segment: fetching one is watching the video.
	HLSSegment
)

// hlsPath is every path under a video's HLS root: the master playlist, or a rendition
// (its height, "720p") and one of its files.
var hlsPath = regexp.MustCompile(`^(?:master\.m3u8|([0-9]{3,4}p)/(index\.m3u8|init\.mp4|seg_[0-9]{5}\.m4s))$`)

// ParseHLSPath checks a path under a video's HLS root and tells what it names. Anything
// else — other names, "..", encoded or doubled slashes — is not found.
func ParseHLSPath(p string) (HLSFileKind, error) {
	m := hlsPath.FindStringSubmatch(p)
	if m == nil {
		return 0, ErrNotFound
	}
	switch {
	case m[1] == "", m[2] == "index.m3u8":
		return HLSPlaylist, nil
	case m[2] == "init.mp4":
		return HLSInit, nil
	default:
		return HLSSegment, nil
	}
}

// MaxPlaylistBytes bounds a playlist read into memory to be rewritten.
const MaxPlaylistBytes = 4 << 20

// uriAttr is a URI="…" attribute of a playlist tag (EXT-X-MAP, EXT-X-MEDIA, …).
var uriAttr = regexp.MustCompile(`URI="([^"]*)"`)

// RewritePlaylist adds the query parameters to every URI of a playlist: the lines that
// name a playlist or a segment, and the URI attributes of tags. The URIs a processing
// step writes are relative and carry no query of their own.
func RewritePlaylist(body []byte, query url.Values) []byte {
	if len(query) == 0 {
		return body
	}
	q := query.Encode()
	add := func(uri string) string {
		if uri == "" {
			return uri
		}
		if strings.Contains(uri, "?") {
			return uri + "&" + q
		}
		return uri + "?" + q
	}
	var out bytes.Buffer
	out.Grow(len(body) + len(body)/8)
	for _, line := range strings.SplitAfter(string(body), "\n") {
		text := strings.TrimRight(line, "\r\n")
		eol := line[len(text):]
		switch {
		case text == "":
		case strings.HasPrefix(text, "#"):
			text = uriAttr.ReplaceAllStringFunc(text, func(attr string) string {
				return `URI="` + add(uriAttr.FindStringSubmatch(attr)[1]) + `"`
			})
		default:
			text = add(strings.TrimSpace(text))
		}
		out.WriteString(text)
		out.WriteString(eol)
	}
	return out.Bytes()
}
