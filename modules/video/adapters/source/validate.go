package source

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// maxURLLength caps a source URL; longer ones are refused.
const maxURLLength = 2048

// Validate checks a source URL when it is registered: http or https, a host, no
// userinfo, a sane length, no control characters, and a host that is either a DNS name
// or an IP literal the address policy accepts. Numeric hosts in anything but standard
// dotted-decimal form (2130706433, 0x7f000001, 0177.0.0.1, 127.1) are always refused,
// because resolvers disagree on what they mean. Errors are of kind invalid.
func (f *Fetcher) Validate(rawURL string) error {
	_, err := f.parse(rawURL)
	return err
}

// parse validates rawURL and returns it parsed.
func (f *Fetcher) parse(rawURL string) (*url.URL, error) {
	if rawURL == "" {
		return nil, invalid("source URL is empty")
	}
	if len(rawURL) > maxURLLength {
		return nil, invalid("source URL is longer than " + strconv.Itoa(maxURLLength) + " characters")
	}
	for i := 0; i < len(rawURL); i++ {
		if c := rawURL[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return nil, invalid("source URL contains a space, a control character or a backslash")
		}
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, invalid("source URL is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, invalid("source URL must use http or https")
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, invalid("source URL must name a host")
	}
	if u.User != nil || strings.Contains(u.Host, "@") {
		return nil, invalid("source URL must not contain a user name or password")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, invalid("source URL has an invalid port")
		}
	}
	if err := f.checkHost(u.Host, u.Hostname()); err != nil {
		return nil, err
	}
	return u, nil
}

// checkHost accepts a DNS name or an IP literal the policy allows.
func (f *Fetcher) checkHost(rawHost, host string) error {
	if strings.HasPrefix(rawHost, "[") {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() {
			return invalid("source URL has an invalid IPv6 address")
		}
		return f.checkAddr(a)
	}
	if endsInNumber(host) {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is4() || a.String() != host {
			return invalid("source URL host must be a DNS name or a dotted-decimal IPv4 address")
		}
		return f.checkAddr(a)
	}
	if !validName(host) {
		return invalid("source URL has an invalid host name")
	}
	return nil
}

func (f *Fetcher) checkAddr(a netip.Addr) error {
	if a.Zone() != "" || !f.permit(a) {
		return invalid("source URL points at an internal address")
	}
	return nil
}

// endsInNumber reports whether host's last label is numeric (decimal, or 0x hex), which
// makes URL parsers and resolvers read the whole host as an IPv4 address.
func endsInNumber(host string) bool {
	host = strings.TrimSuffix(host, ".")
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last == "" {
		return false
	}
	if strings.HasPrefix(last, "0x") || strings.HasPrefix(last, "0X") {
		return strings.Trim(last[2:], "0123456789abcdefABCDEF") == ""
	}
	return strings.Trim(last, "0123456789") == ""
}

// validName reports whether host is a DNS name of letters, digits, hyphens and
// underscores, in labels of at most 63 characters, 253 in all.
func validName(host string) bool {
	host = strings.TrimSuffix(host, ".")
	if host == "" || len(host) > 253 {
		return false
	}
	for label := range strings.SplitSeq(host, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
