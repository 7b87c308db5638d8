package localstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"
)

// copyLimited copies r to w in chunks, checking ctx between chunks, and fails with
// ErrTooLarge as soon as more than maxBytes bytes arrive (maxBytes <= 0: no limit).
func copyLimited(ctx context.Context, w io.Writer, r io.Reader, maxBytes int64) (int64, error) {
	limit := int64(math.MaxInt64)
	if maxBytes > 0 && maxBytes < math.MaxInt64 {
		limit = maxBytes + 1
	}
	src := &io.LimitedReader{R: r, N: limit}
	buf := make([]byte, copyChunk)
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, rerr := src.Read(buf)
		if n > 0 {
			total += int64(n)
			if maxBytes > 0 && total > maxBytes {
				return total, ErrTooLarge
			}
			if _, err := w.Write(buf[:n]); err != nil {
				return total, fmt.Errorf("local storage: write: %w", err)
			}
		}
		if errors.Is(rerr, io.EOF) {
			return total, nil
		}
		if rerr != nil {
			return total, fmt.Errorf("local storage: read upload: %w", rerr)
		}
	}
}

// sweep removes temporary files older than cutoff, left behind by a crash mid-upload.
func (s *Store) sweep(cutoff time.Time) {
	entries, err := fsReadDir(s.root, tmpDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".part") && !strings.HasPrefix(e.Name(), "ready-") {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(cutoff) {
			_ = s.root.Remove(tmpDir + "/" + e.Name())
		}
	}
}

func fsReadDir(root *os.Root, name string) ([]os.DirEntry, error) {
	d, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.ReadDir(-1)
}
