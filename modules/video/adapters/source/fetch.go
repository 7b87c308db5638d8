// Package source fetches registered http(s) source URLs behind an SSRF guard: URLs are
// validated when registered, and every connection's resolved address is checked again
// at dial time, which also covers DNS names that point inside and DNS rebinding.
package source

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
)

var _ ports.Sources = (*Fetcher)(nil)

// Timeouts of a fetch. There is deliberately no overall deadline: a stream may run
// for as long as the viewer watches.
const (
	dialTimeout           = 10 * time.Second
	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 15 * time.Second
	idleConnTimeout       = 90 * time.Second
	maxResponseHeader     = 64 << 10
)

// Fetcher is a ports.Sources that fetches source URLs over its own guarded transport.
type Fetcher struct {
	permit func(netip.Addr) bool
	client *http.Client
}

// NewFetcher returns a Fetcher. Unless allowPrivate is true, it refuses loopback,
// private, link-local, shared, reserved and every other non-public address, both in
// URLs and at dial time; with allowPrivate it still refuses unspecified, multicast and
// broadcast addresses.
func NewFetcher(allowPrivate bool) *Fetcher {
	if allowPrivate {
		return newFetcher(anyUnicastAddr)
	}
	return newFetcher(publicAddr)
}

// newFetcher returns a Fetcher whose address policy is permit.
func newFetcher(permit func(netip.Addr) bool) *Fetcher {
	f := &Fetcher{permit: permit}
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, Control: f.control}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    tlsHandshakeTimeout,
		ResponseHeaderTimeout:  responseHeaderTimeout,
		IdleConnTimeout:        idleConnTimeout,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    8,
		MaxResponseHeaderBytes: maxResponseHeader,
		DisableCompression:     true,
	}
	f.client = &http.Client{
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return f
}

// errRefusedAddress marks a connection the dial-time guard refused.
var errRefusedAddress = errors.New("address refused by the source policy")

// control runs after DNS resolution, right before each connection attempt, with the
// literal address being dialled.
func (f *Fetcher) control(network, address string, _ syscall.RawConn) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return fmt.Errorf("%w: network %s", errRefusedAddress, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !f.permit(ap.Addr()) {
		return fmt.Errorf("%w: %s", errRefusedAddress, address)
	}
	return nil
}

// Fetch issues a GET or HEAD to rawURL, forwarding only req's Range, If-Range,
// If-None-Match and If-Modified-Since. Redirects are not followed: a 3xx comes back as
// the response, for the caller to refuse. Every error is of kind bad_gateway; the
// caller owns the response body.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, sr domain.SourceRequest) (domain.SourceResponse, error) {
	u, err := f.parse(rawURL)
	if err != nil {
		return domain.SourceResponse{}, badGateway("the video source URL is not allowed", err)
	}
	method := http.MethodGet
	if sr.Head {
		method = http.MethodHead
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return domain.SourceResponse{}, badGateway("the video source URL is not allowed", err)
	}
	for name, v := range map[string]string{
		"Range": sr.Range, "If-Range": sr.IfRange, "If-None-Match": sr.IfNoneMatch, "If-Modified-Since": sr.IfModifiedSince,
	} {
		if v != "" {
			req.Header.Set(name, v)
		}
	}
	req.Header.Set("User-Agent", "vms")
	req.Header.Set("Accept-Encoding", "identity")
	res, err := f.client.Do(req) //nolint:bodyclose // the body goes to the caller in the SourceResponse, which closes it
	if err != nil {
		if errors.Is(err, errRefusedAddress) {
			return domain.SourceResponse{}, badGateway("the video source resolves to an address that is not allowed", err)
		}
		return domain.SourceResponse{}, badGateway("the video source could not be reached", err)
	}
	return toDomain(res), nil
}

// toDomain keeps the parts of a source's response a stream passes on.
func toDomain(res *http.Response) domain.SourceResponse {
	h := res.Header
	return domain.SourceResponse{
		Status: res.StatusCode, ContentLength: res.ContentLength,
		ContentType: h.Get("Content-Type"), ContentRange: h.Get("Content-Range"), AcceptRanges: h.Get("Accept-Ranges"),
		ETag: h.Get("ETag"), LastModified: h.Get("Last-Modified"), ContentEncoding: h.Get("Content-Encoding"),
		Body: res.Body,
	}
}
