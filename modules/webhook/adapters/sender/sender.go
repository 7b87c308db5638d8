// Package sender posts webhook events to endpoints over HTTP behind an SSRF guard: the
// host of an endpoint URL is checked when the endpoint is saved (IP literal or DNS
// answers), and every connection's resolved address is checked again at dial time, which
// also covers DNS names that change afterwards (rebinding).
package sender

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"vms/modules/webhook/domain"
	"vms/modules/webhook/ports"
	"vms/platform/kind"
	"vms/platform/netguard"
)

// Limits of one delivery attempt.
const (
	// Timeout bounds an attempt from the dial to the end of the answer's body.
	Timeout = 10 * time.Second
	// MaxResponseBody is how much of an answer's body is read; the rest is dropped.
	MaxResponseBody = 64 << 10
	// excerptLength is how much of a failed answer's body its error shows.
	excerptLength = 200
	// resolveTimeout bounds the DNS lookup of a URL being saved.
	resolveTimeout = 3 * time.Second
)

// Sender is the ports.Sender and ports.URLCheck over its own guarded HTTP client.
type Sender struct {
	permit   func(netip.Addr) bool
	client   *http.Client
	resolver *net.Resolver
}

var (
	_ ports.Sender   = (*Sender)(nil)
	_ ports.URLCheck = (*Sender)(nil)
)

// New returns a Sender. Unless allowPrivate is true (ALLOW_PRIVATE_WEBHOOKS), it refuses
// loopback, private, link-local (the cloud metadata address included), shared, reserved
// and every other non-public address, when a URL is saved and at dial time.
func New(allowPrivate bool) *Sender {
	return newSender(netguard.Policy(allowPrivate), Timeout)
}

func newSender(permit func(netip.Addr) bool, timeout time.Duration) *Sender {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: netguard.Control(permit)}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    16,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &Sender{
		permit:   permit,
		resolver: net.DefaultResolver,
		client: &http.Client{
			Transport: transport,
			Timeout:   timeout,
			// A redirect is an answer like any other: a failed attempt, never followed.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// Send posts the event with the Standard Webhooks headers and reads at most
// MaxResponseBody bytes of the answer.
func (s *Sender) Send(ctx context.Context, r ports.Request) domain.Result {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return domain.Result{Err: errors.New("the URL cannot be requested"), Duration: time.Since(start)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "vms-webhooks")
	req.Header.Set(domain.HeaderID, r.EventID)
	req.Header.Set(domain.HeaderTimestamp, strconv.FormatInt(r.Timestamp, 10))
	req.Header.Set(domain.HeaderSignature, r.Signature)
	res, err := s.client.Do(req)
	if err != nil {
		return domain.Result{Err: describe(err), Duration: time.Since(start)}
	}
	body, readErr := io.ReadAll(io.LimitReader(res.Body, MaxResponseBody))
	_ = res.Body.Close()
	out := domain.Result{StatusCode: res.StatusCode, Duration: time.Since(start), Excerpt: excerpt(body)}
	if readErr != nil && out.OK() {
		// The answer said yes; a body cut short does not change that.
		out.Excerpt = ""
	}
	return out
}

// describe turns a transport error into a message for the deliveries list that names
// no resolved address (an admin learns nothing of the server's network from it).
func describe(err error) error {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.Is(err, netguard.ErrRefused):
		return errors.New("the URL resolves to an address that is not allowed (see ALLOW_PRIVATE_WEBHOOKS)")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return fmt.Errorf("no answer within %s", Timeout)
	case errors.As(err, &dnsErr):
		return errors.New("the host name does not resolve")
	case errors.Is(err, syscall.ECONNREFUSED):
		return errors.New("connection refused")
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the connection was closed before an answer")
	case errors.As(err, &certErr):
		return errors.New("TLS certificate not accepted: " + certErr.Err.Error())
	case errors.Is(err, context.Canceled):
		return errors.New("the attempt was cancelled (the server is stopping)")
	default:
		return errors.New("could not connect")
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// excerpt is the start of a body as printable text.
func excerpt(b []byte) string {
	cut := len(b) > excerptLength
	if cut {
		b = b[:excerptLength]
	}
	s := strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(b), ""))
	s = strings.TrimSpace(s)
	if cut {
		s += "…"
	}
	return s
}

// CheckURL refuses a URL whose host is an IP address the policy does not allow, or a
// name whose DNS answers hold one. A name that does not resolve now is accepted: the
// dial-time check guards every delivery anyway.
func (s *Sender) CheckURL(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return domain.Invalid("url", "is not a valid URL")
	}
	host := u.Hostname()
	refused := kind.InvalidField("url", "points at an internal address (loopback, private, link-local or reserved); set ALLOW_PRIVATE_WEBHOOKS=true to allow it")
	if a, err := netip.ParseAddr(host); err == nil {
		if !s.permit(a) {
			return refused
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	addrs, err := s.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil //nolint:nilerr // unresolvable now: the dial-time check decides at delivery
	}
	for _, a := range addrs {
		if !s.permit(a) {
			return refused
		}
	}
	return nil
}
