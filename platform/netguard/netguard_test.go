package netguard_test

import (
	"errors"
	"net/netip"
	"testing"

	"vms/platform/netguard"
)

func TestPolicies(t *testing.T) {
	for addr, want := range map[string][2]bool{ // Public, AnyUnicast
		"93.184.215.14":    {true, true},
		"2606:4700::1111":  {true, true},
		"127.0.0.1":        {false, true},
		"169.254.169.254":  {false, true},
		"10.1.2.3":         {false, true},
		"::1":              {false, true},
		"fd00::1":          {false, true},
		"::ffff:127.0.0.1": {false, true},
		"0.0.0.0":          {false, false},
		"224.0.0.1":        {false, false},
		"255.255.255.255":  {false, false},
	} {
		a := netip.MustParseAddr(addr)
		if got := netguard.Public(a); got != want[0] {
			t.Errorf("Public(%s) = %v, want %v", addr, got, want[0])
		}
		if got := netguard.AnyUnicast(a); got != want[1] {
			t.Errorf("AnyUnicast(%s) = %v, want %v", addr, got, want[1])
		}
		if got := netguard.Policy(false)(a); got != want[0] {
			t.Errorf("Policy(false)(%s) = %v", addr, got)
		}
		if got := netguard.Policy(true)(a); got != want[1] {
			t.Errorf("Policy(true)(%s) = %v", addr, got)
		}
	}
}

func TestControlRefusesAtDialTime(t *testing.T) {
	control := netguard.Control(netguard.Public)
	if err := control("tcp4", "93.184.215.14:443", nil); err != nil {
		t.Fatalf("public address refused: %v", err)
	}
	for _, c := range [][2]string{{"tcp4", "127.0.0.1:80"}, {"tcp6", "[::1]:443"}, {"tcp4", "169.254.169.254:80"}, {"udp", "93.184.215.14:53"}, {"tcp", "not an address"}} {
		if err := control(c[0], c[1], nil); !errors.Is(err, netguard.ErrRefused) {
			t.Errorf("%s %s: %v, want ErrRefused", c[0], c[1], err)
		}
	}
}
