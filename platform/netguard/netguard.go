// Package netguard is the address policy of outgoing connections to URLs that users give
// the server (video source URLs, webhook endpoints): which resolved addresses a connection
// may reach. Callers check it when a URL is registered and again at dial time, on the
// literal address being dialled, which also covers DNS names that point inside and DNS
// rebinding.
package netguard

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// deniedPrefixes are address blocks that are not public unicast destinations: private,
// shared, loopback, link-local (the cloud metadata address 169.254.169.254 included),
// documentation, benchmarking, protocol-assignment, translation (which can embed an
// internal IPv4 address), multicast and reserved space.
var deniedPrefixes = mustPrefixes(
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
	"198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
	"::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48",
	"100::/64", "2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20", "5f00::/16",
	"fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
)

func mustPrefixes(list ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(list))
	for i, s := range list {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// Public reports whether a is a global unicast address outside every denied block.
// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry; zoned addresses
// are never public.
func Public(a netip.Addr) bool {
	if !a.IsValid() || a.Zone() != "" {
		return false
	}
	a = a.Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() {
		return false
	}
	for _, p := range deniedPrefixes {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// AnyUnicast is the policy when private addresses are allowed: everything but the
// unspecified address, multicast and broadcast, which no server can be.
func AnyUnicast(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	a = a.Unmap()
	if a.IsUnspecified() || a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return false
	}
	return !(a.Is4() && a.As4()[0] == 0)
}

// Policy returns Public, or AnyUnicast when private addresses are allowed.
func Policy(allowPrivate bool) func(netip.Addr) bool {
	if allowPrivate {
		return AnyUnicast
	}
	return Public
}

// ErrRefused marks a connection the dial-time guard refused.
var ErrRefused = errors.New("address refused by the outgoing connection policy")

// Control returns a net.Dialer Control function that refuses, right before each
// connection attempt (after DNS resolution), any TCP address permit does not accept.
func Control(permit func(netip.Addr) bool) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		switch network {
		case "tcp", "tcp4", "tcp6":
		default:
			return fmt.Errorf("%w: network %s", ErrRefused, network)
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !permit(ap.Addr()) {
			return fmt.Errorf("%w: %s", ErrRefused, address)
		}
		return nil
	}
}
