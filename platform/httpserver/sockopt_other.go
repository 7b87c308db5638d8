//go:build !linux

package httpserver

import "net"

// tuneConn leaves accepted connections as they are outside Linux.
func tuneConn(net.Conn) {}
