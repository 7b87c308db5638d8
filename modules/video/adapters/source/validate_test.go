package source

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"vms/platform/kind"
)

var refusedAlways = []string{
	"",
	"file:///etc/passwd",
	"gopher://127.0.0.1:70/_stats",
	"ftp://example.com/video.mp4",
	"javascript:alert(1)",
	"data:video/mp4;base64,AAAA",
	"http:example.com",
	"http:///video.mp4",
	"http://",
	"//example.com/video.mp4",
	"example.com/video.mp4",
	"http://example.com@127.0.0.1/",
	"http://user:pass@example.com/video.mp4",
	"http://user@example.com/video.mp4",
	"http://example.com\\@127.0.0.1/",
	"http://exa mple.com/",
	"http://example.com/\x00",
	"http://example.com:0/",
	"http://example.com:99999/",
	"http://-bad-.example.com/",
	"http://bad..example.com/",
	"http://2130706433/",
	"http://0x7f000001/",
	"http://0177.0.0.1/",
	"http://0x7f.0.0.1/",
	"http://127.1/",
	"http://127.0.0.1./",
	"http://017700000001/",
	"http://1.2.3.04/",
	"http://1.2.3.0x4/",
	"http://999.1.1.1/",
	"http://0.0.0.0/",
	"http://0.1.2.3/",
	"http://224.0.0.1/",
	"http://255.255.255.255/",
	"http://[::]/",
	"http://[fe80::1%25eth0]/",
	"http://[::ffff:0.0.0.0]/",
	"http://" + strings.Repeat("a", 2050) + ".com/",
	"http://example.com/" + strings.Repeat("a", maxURLLength),
}

var refusedUnlessPrivate = []string{
	"http://127.0.0.1/",
	"http://127.255.255.254:8080/",
	"HTTP://127.0.0.1/",
	"http://10.0.0.1/",
	"http://172.16.0.1/",
	"http://172.31.255.255/",
	"http://192.168.1.1/",
	"http://169.254.169.254/latest/meta-data/",
	"http://100.64.0.1/",
	"http://100.127.255.254/",
	"http://192.0.0.170/",
	"http://192.0.2.1/",
	"http://198.18.0.1/",
	"http://198.19.255.255/",
	"http://203.0.113.7/",
	"http://240.0.0.1/",
	"http://[::1]/",
	"http://[::1]:8080/video.mp4",
	"http://[::ffff:127.0.0.1]/",
	"http://[::ffff:7f00:1]/",
	"http://[::ffff:169.254.169.254]/",
	"http://[::127.0.0.1]/",
	"http://[fe80::1]/",
	"http://[fc00::1]/",
	"http://[fd12:3456::1]/",
	"http://[fec0::1]/",
	"http://[64:ff9b::7f00:1]/",
	"http://[2002:7f00:1::1]/",
	"http://[2001:db8::1]/",
	"http://[2001::1]/",
	"http://127.0.0.1#@example.com/",
	"http://127.0.0.1?@example.com/",
}

var accepted = []string{
	"http://example.com/video.mp4",
	"https://cdn.example.org:8443/path/video.mp4?sig=abc&x=1#t=10",
	"HTTPS://Example.COM/video.mp4",
	"http://media_host.example.com./v.mp4",
	"http://localhost:8080/video.mp4", // a name: judged at dial time
	"http://93.184.216.34/video.mp4",
	"http://8.8.8.8:80/",
	"http://[2606:2800:220:1:248:1893:25c8:1946]/video.mp4",
	"http://[2a00:1450:4001:80b::200e]:8080/",
}

func TestValidate(t *testing.T) {
	strict, open := NewFetcher(false), NewFetcher(true)
	for _, u := range refusedAlways {
		for name, f := range map[string]*Fetcher{"strict": strict, "private allowed": open} {
			err := f.Validate(u)
			if kind.Of(err) != kind.Invalid {
				t.Errorf("%s: Validate(%q) = %v, want an invalid error", name, u, err)
			}
		}
	}
	for _, u := range refusedUnlessPrivate {
		err := strict.Validate(u)
		if kind.Of(err) != kind.Invalid {
			t.Errorf("Validate(%q) = %v, want an invalid error", u, err)
		}
		if err := open.Validate(u); err != nil {
			t.Errorf("with private sources allowed, Validate(%q) = %v", u, err)
		}
	}
	for _, u := range accepted {
		if err := strict.Validate(u); err != nil {
			t.Errorf("Validate(%q) = %v", u, err)
		}
	}
}

func TestValidationErrorNamesTheField(t *testing.T) {
	err := NewFetcher(false).Validate("http://127.0.0.1/")
	var fe interface{ FieldErrors() map[string]string }
	if !errors.As(err, &fe) || fe.FieldErrors()["file_path"] == "" {
		t.Fatalf("err = %v, want a field error on file_path", err)
	}
}

func TestPublicAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"1.1.1.1": true, "93.184.216.34": true, "2606:4700::1111": true,
		"127.0.0.1": false, "10.1.2.3": false, "169.254.169.254": false, "100.64.0.1": false,
		"::1": false, "::": false, "::ffff:10.0.0.1": false, "::ffff:8.8.8.8": true,
		"fe80::1": false, "fd00::1": false, "ff02::1": false, "64:ff9b::808:808": false,
		"255.255.255.255": false, "0.0.0.0": false, "192.0.0.9": false, "198.18.5.5": false,
	} {
		if got := publicAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("publicAddr(%s) = %v, want %v", addr, got, want)
		}
	}
	if publicAddr(netip.MustParseAddr("fe80::1%eth0")) || publicAddr(netip.Addr{}) {
		t.Error("zoned or invalid addresses must not be public")
	}
}
