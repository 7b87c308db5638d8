package source

import (
	"net/netip"

	"vms/platform/netguard"
)

// publicAddr reports whether a is a public unicast address (netguard.Public): the
// policy unless private sources are allowed.
func publicAddr(a netip.Addr) bool { return netguard.Public(a) }

// anyUnicastAddr is the policy when private sources are allowed (netguard.AnyUnicast).
func anyUnicastAddr(a netip.Addr) bool { return netguard.AnyUnicast(a) }
