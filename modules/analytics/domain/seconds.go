// Package domain holds watch analytics: which seconds of a video a user was served, how
// served byte spans map to media time (an MP4 sample index, an HLS segment timeline), and
// the figures reported per video.
package domain

import (
	"encoding/binary"
	"math/bits"
)

// Seconds is a set of whole seconds of media time, one bit per second: bit s stands for
// the second [s, s+1).
type Seconds []uint64

// Set adds second s (s ≥ 0).
func (x *Seconds) Set(s int) {
	w := s / 64
	for len(*x) <= w {
		*x = append(*x, 0)
	}
	(*x)[w] |= 1 << (uint(s) % 64)
}

// Has reports whether second s is in the set.
func (x Seconds) Has(s int) bool {
	w := s / 64
	return s >= 0 && w < len(x) && x[w]&(1<<(uint(s)%64)) != 0
}

// Count is how many seconds below limit the set holds.
func (x Seconds) Count(limit int) int {
	n := 0
	for i, w := range x {
		if i*64 >= limit {
			break
		}
		if rest := limit - i*64; rest < 64 {
			w &= 1<<uint(rest) - 1
		}
		n += bits.OnesCount64(w)
	}
	return n
}

// Last is the highest second in the set, -1 for an empty set.
func (x Seconds) Last() int {
	for i := len(x) - 1; i >= 0; i-- {
		if x[i] != 0 {
			return i*64 + 63 - bits.LeadingZeros64(x[i])
		}
	}
	return -1
}

// Or returns the union of the two sets.
func (x Seconds) Or(y Seconds) Seconds {
	if len(x) < len(y) {
		x, y = y, x
	}
	out := make(Seconds, len(x))
	copy(out, x)
	for i, w := range y {
		out[i] |= w
	}
	return out
}

// Bytes encodes the set: bit s is bit s%8 of byte s/8, trailing zero bytes left out.
func (x Seconds) Bytes() []byte {
	out := make([]byte, 8*len(x))
	for i, w := range x {
		binary.LittleEndian.PutUint64(out[8*i:], w)
	}
	n := len(out)
	for n > 0 && out[n-1] == 0 {
		n--
	}
	return out[:n]
}

// SecondsFromBytes decodes what Bytes encoded.
func SecondsFromBytes(b []byte) Seconds {
	out := make(Seconds, (len(b)+7)/8)
	for i, c := range b {
		out[i/8] |= uint64(c) << (8 * uint(i%8))
	}
	return out
}
