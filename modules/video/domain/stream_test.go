package domain

import (
	"io"
	"strings"
	"testing"
)

type closeRecorder struct {
	io.ReadSeeker
	closed int
}

func (c *closeRecorder) Close() error { c.closed++; return nil }

func TestStreamCloseReleasesWhatWasOpened(t *testing.T) {
	content := &closeRecorder{ReadSeeker: strings.NewReader("bytes")}
	if err := (Stream{Kind: StreamContent, Content: content}).Close(); err != nil || content.closed != 1 {
		t.Fatalf("content closed %d times, err %v", content.closed, err)
	}
	body := &closeRecorder{ReadSeeker: strings.NewReader("bytes")}
	if err := (Stream{Kind: StreamSource, Source: SourceResponse{Body: body}}).Close(); err != nil || body.closed != 1 {
		t.Fatalf("source body closed %d times, err %v", body.closed, err)
	}
	if err := (Stream{Kind: StreamRedirect, RedirectURL: "https://storage/x"}).Close(); err != nil {
		t.Fatalf("closing a redirect: %v", err)
	}
}
