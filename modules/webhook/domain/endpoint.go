package domain

import (
	"crypto/rand"
	"encoding/base64"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Endpoint is a URL of a corporation that receives the events it subscribes to, signed
// with its secret.
type Endpoint struct {
	ID            int64
	CorporationID int64
	URL           string
	Description   string
	Events        []string
	Enabled       bool
	// DisabledReason says why the server disabled the endpoint (its deliveries failed
	// for DisableAfter); empty while enabled or when an admin disabled it.
	DisabledReason string
	// FailingSince is when the endpoint's deliveries started failing without a success
	// since; nil while they succeed.
	FailingSince *time.Time
	// Secret is the signing secret, "whsec_" and the base64 of 32 random bytes.
	Secret    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Subscribes reports whether the endpoint takes events of the type.
func (e Endpoint) Subscribes(eventType string) bool {
	for _, t := range e.Events {
		if t == eventType {
			return true
		}
	}
	return false
}

// Limits of an endpoint's fields.
const (
	MaxURLLength         = 2048
	MaxDescriptionLength = 500
)

// NewSecret returns a new signing secret: "whsec_" and the base64 of a 32-byte key, as
// Standard Webhooks does.
func NewSecret() string {
	var key [32]byte
	_, _ = rand.Read(key[:])
	return SecretPrefix + base64.StdEncoding.EncodeToString(key[:])
}

// ParseURL checks an endpoint URL's form: http or https, a host, no user name or
// password, no fragment, a sane length and no control characters. Where the host points
// is checked apart (a port of the service), as it needs DNS.
func ParseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return nil, Invalid("url", "is required")
	case len(raw) > MaxURLLength:
		return nil, Invalid("url", "must be at most "+strconv.Itoa(MaxURLLength)+" characters")
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return nil, Invalid("url", "must not contain spaces, control characters or backslashes")
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, Invalid("url", "is not a valid URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, Invalid("url", "must use https or http")
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return nil, Invalid("url", "must name a host")
	case u.User != nil || strings.Contains(u.Host, "@"):
		return nil, Invalid("url", "must not contain a user name or password")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, Invalid("url", "must not have a fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, Invalid("url", "has an invalid port")
		}
	}
	if err := checkHost(u.Host, u.Hostname()); err != nil {
		return nil, err
	}
	return u, nil
}

// checkHost accepts a DNS name, a dotted-decimal IPv4 address or a bracketed IPv6
// address. Other numeric hosts (2130706433, 0x7f000001, 0177.0.0.1, 127.1) are refused,
// because resolvers disagree on what they mean.
func checkHost(rawHost, host string) error {
	if strings.HasPrefix(rawHost, "[") {
		if a, err := netip.ParseAddr(host); err != nil || !a.Is6() || a.Zone() != "" {
			return Invalid("url", "has an invalid IPv6 address")
		}
		return nil
	}
	name := strings.TrimSuffix(host, ".")
	last := name[strings.LastIndexByte(name, '.')+1:]
	if last != "" && (strings.Trim(last, "0123456789") == "" || strings.HasPrefix(strings.ToLower(last), "0x")) {
		if a, err := netip.ParseAddr(host); err != nil || !a.Is4() || a.String() != host {
			return Invalid("url", "host must be a DNS name or a dotted-decimal IPv4 address")
		}
		return nil
	}
	if name == "" || len(name) > 253 {
		return Invalid("url", "has an invalid host name")
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return Invalid("url", "has an invalid host name")
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return Invalid("url", "has an invalid host name")
			}
		}
	}
	return nil
}

// ParseDescription trims a description and checks its length.
func ParseDescription(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxDescriptionLength {
		return "", Invalid("description", "must be at most "+strconv.Itoa(MaxDescriptionLength)+" characters")
	}
	for _, r := range s {
		if r < ' ' && r != '\t' || r == 0x7f {
			return "", Invalid("description", "must not contain control characters")
		}
	}
	return s, nil
}
