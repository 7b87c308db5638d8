package httpserver

import (
	"net"

	"golang.org/x/sys/unix"
)

// notSentLowat is the TCP_NOTSENT_LOWAT of the API's connections: how many bytes a
// connection may hold queued but not yet sent before a write waits. Without it the kernel
// lets a response of a few megabytes (a video range, an HLS segment) sit whole in an
// autotuned send buffer, far from every cache by the time it is sent, which costs the
// receiving side much more CPU per byte. A low mark keeps what is queued small and fresh
// without limiting the bytes in flight, so throughput on long, fast links is unchanged.
const notSentLowat = 16 << 10

// tuneConn sets TCP_NOTSENT_LOWAT on an accepted connection (Linux does not copy it from
// the listening socket). A connection that refuses it is served as it is.
func tuneConn(c net.Conn) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_NOTSENT_LOWAT, notSentLowat)
	})
}
