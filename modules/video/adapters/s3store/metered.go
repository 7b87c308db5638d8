package s3store

import (
	"context"
	"crypto/sha256"
	"hash"
	"io"
)

// meteredReader hashes and counts what it reads and fails once the limit is passed or
// ctx ends. It deliberately implements only Read, so the uploader consumes it
// sequentially, in order, part by part.
type meteredReader struct {
	ctx   context.Context
	r     io.Reader
	limit int64 // 0: none
	n     int64
	h     hash.Hash
	err   error // the first failure it reported, for Put to classify
}

func newMeteredReader(ctx context.Context, r io.Reader, limit int64) *meteredReader {
	return &meteredReader{ctx: ctx, r: r, limit: max(limit, 0), h: sha256.New()}
}

func (m *meteredReader) Read(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	if err := m.ctx.Err(); err != nil {
		m.err = err
		return 0, err
	}
	n, err := m.r.Read(p)
	m.n += int64(n)
	m.h.Write(p[:n])
	if m.limit > 0 && m.n > m.limit {
		m.err = ErrTooLarge
		return 0, ErrTooLarge
	}
	if err != nil && err != io.EOF {
		m.err = err
	}
	return n, err
}
