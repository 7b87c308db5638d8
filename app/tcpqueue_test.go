package main

import (
	"bufio"
	byteorder "encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// waitRead waits until everything written on the client connection c has been read by
// the process at the other end: the client's send queue is acknowledged (the bytes reached
// the server's kernel) and the server socket's receive queue is empty (the server read
// them). It reads the kernel's socket table, /proc/net/tcp; elsewhere the test is skipped.
func waitRead(t *testing.T, c net.Conn) {
	t.Helper()
	client, server := c.LocalAddr().String(), c.RemoteAddr().String()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tx, rx, err := tcpQueues(client, server)
		if os.IsNotExist(err) {
			t.Skip("no /proc/net/tcp to see whether the server read the request")
		}
		if err != nil {
			t.Fatal(err)
		}
		if tx == 0 && rx == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not read the request in 10s (client send queue %d, server receive queue %d)", tx, rx)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// tcpQueues returns the send queue of the socket client→server and the receive queue of
// the socket server→client, from /proc/net/tcp (IPv4).
func tcpQueues(client, server string) (tx, rx int64, err error) {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	c, s := procAddr(client), procAddr(server)
	foundTx, foundRx := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		txHex, rxHex, _ := strings.Cut(fields[4], ":")
		switch {
		case fields[1] == c && fields[2] == s:
			tx, err = strconv.ParseInt(txHex, 16, 64)
			foundTx = true
		case fields[1] == s && fields[2] == c:
			rx, err = strconv.ParseInt(rxHex, 16, 64)
			foundRx = true
		}
		if err != nil {
			return 0, 0, err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, err
	}
	if !foundTx || !foundRx {
		return 0, 0, fmt.Errorf("no socket pair %s ↔ %s in /proc/net/tcp", client, server)
	}
	return tx, rx, nil
}

// procAddr writes an IPv4 address and port the way /proc/net/tcp does: the address as a
// host-order 32-bit hex number, the port in hex.
func procAddr(addr string) string {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().Is4() {
		return addr
	}
	ip := ap.Addr().As4()
	return fmt.Sprintf("%08X:%04X", byteorder.NativeEndian.Uint32(ip[:]), ap.Port())
}
