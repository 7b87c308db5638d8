package domain

import (
	"io"
	"strconv"
	"time"
	"vms/platform/kind"
)

// StreamRequest is what a client asks of a video stream: the method (HEAD or GET) and
// the range and precondition headers, each "" when absent.
type StreamRequest struct {
	Head              bool
	Range             string
	IfRange           string
	IfMatch           string
	IfNoneMatch       string
	IfModifiedSince   string
	IfUnmodifiedSince string
}

// StreamKind tells how a stream is answered.
type StreamKind int

// The stream kinds.
const (
	// StreamRedirect sends the client to RedirectURL (302).
	StreamRedirect StreamKind = iota + 1
	// StreamContent answers with the stored bytes as Status, Ranges and Content say.
	StreamContent
	// StreamSource passes the source URL's answer on.
	StreamSource
)

// Stream is the decision for one stream request.
type Stream struct {
	Kind StreamKind
	// RedirectURL is a presigned storage URL (StreamRedirect).
	RedirectURL string
	// RedirectMaxAge is how long the client may reuse the redirect (see
	// RedirectMaxAge); zero means not at all.
	RedirectMaxAge time.Duration

	// Status is 200, 206 (with Ranges), 304 or 412 (StreamContent).
	Status       int
	Ranges       []ByteRange
	Size         int64
	ETag         string
	LastModified time.Time
	ContentType  string
	// CacheControl is how clients may keep the answer; "" is "private, no-cache".
	CacheControl string
	// Content is the opened bytes; nil when none go out (HEAD, 304, 412).
	Content io.ReadSeekCloser

	// Source is the source URL's answer: 200, 206, 304 or 416 (StreamSource).
	Source SourceResponse

	// Delivery names what goes out (kind, corporation, viewer, video, file) for the
	// report of what was written; its Ranges and Bytes are filled in after writing.
	Delivery Delivery
}

// Close releases the stream's opened content or source body.
func (s Stream) Close() error {
	switch {
	case s.Content != nil:
		return s.Content.Close()
	case s.Source.Body != nil:
		return s.Source.Body.Close()
	}
	return nil
}

// SourceRequest asks a registered source URL for a video's bytes, with the client's
// range and cache validators passed on ("" when absent).
type SourceRequest struct {
	Head            bool
	Range           string
	IfRange         string
	IfNoneMatch     string
	IfModifiedSince string
}

// SourceResponse is a source URL's answer: its status, length (-1 when unknown), the
// headers a stream passes on, and the body, which the receiver closes.
type SourceResponse struct {
	Status          int
	ContentLength   int64
	ContentType     string
	ContentRange    string
	AcceptRanges    string
	ETag            string
	LastModified    string
	ContentEncoding string
	Body            io.ReadCloser
}

// RangeNotSatisfiableError refuses a Range none of whose ranges overlaps the video's
// Size bytes (416 with "Content-Range: bytes */Size").
type RangeNotSatisfiableError struct{ Size int64 }

func (e *RangeNotSatisfiableError) Error() string {
	return "the range cannot be satisfied: the video has " + strconv.FormatInt(e.Size, 10) + " bytes"
}

// Kind is kind.RangeNotSatisfiable.
func (e *RangeNotSatisfiableError) Kind() kind.Kind { return kind.RangeNotSatisfiable }

// SourceStatusError reports a source answer that cannot be passed on: a redirect, a
// client error other than 416, a server error.
type SourceStatusError struct{ Status int }

func (e *SourceStatusError) Error() string {
	return "the video source answered " + strconv.Itoa(e.Status)
}

// Kind is kind.BadGateway.
func (e *SourceStatusError) Kind() kind.Kind { return kind.BadGateway }

// PlaybackToken is a short-lived token that streams one video without a header.
type PlaybackToken struct {
	Token     string
	ExpiresAt time.Time
	// HLS tells that the video has HLS renditions the token also opens.
	HLS bool
}

// View is the outcome of recording a view: the log and the points credited by this call.
type View struct {
	Log           ViewLog
	Created       bool
	PointsAwarded int64
}
