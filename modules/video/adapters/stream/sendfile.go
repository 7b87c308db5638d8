package stream

import (
	"io"
	"net/http"
	"strconv"
	"sync"
)

// unwrapper is implemented by response writers that wrap another one (gin's among them).
type unwrapper interface{ Unwrap() http.ResponseWriter }

// sendfileWriter returns w, or a view of it that lets the content writer hand an
// *os.File to the connection's ReadFrom (sendfile) when w is a wrapper without a
// ReadFrom of its own, such as gin's response writer.
func sendfileWriter(w http.ResponseWriter) http.ResponseWriter {
	if _, ok := w.(io.ReaderFrom); ok {
		return w
	}
	for inner := w; ; {
		u, ok := inner.(unwrapper)
		if !ok {
			return w
		}
		inner = u.Unwrap()
		if rf, ok := inner.(io.ReaderFrom); ok {
			return &readFromWriter{ResponseWriter: w, inner: rf}
		}
	}
}

// readFromWriter sends headers and small writes through the outer writer, so it records
// the status, and the body copy through the innermost writer's ReadFrom.
type readFromWriter struct {
	http.ResponseWriter
	inner io.ReaderFrom
}

// smallBody is the largest body copied through the response buffer instead of sendfile:
// below it, one write of headers and body costs less than a header write plus sendfile.
const smallBody = 32 << 10

var copyBufs = sync.Pool{New: func() any { b := make([]byte, smallBody); return &b }}

// ReadFrom flushes the outer writer's pending header, then copies src through the inner
// writer, which uses sendfile for a file on a TCP connection. Small bodies go through the
// outer writer's buffer with the headers instead.
func (w *readFromWriter) ReadFrom(src io.Reader) (int64, error) {
	if n, err := strconv.ParseInt(w.Header().Get("Content-Length"), 10, 64); err == nil && n <= smallBody {
		buf := copyBufs.Get().(*[]byte)
		defer copyBufs.Put(buf)
		return io.CopyBuffer(writerOnly{w.ResponseWriter}, src, *buf)
	}
	if _, err := w.ResponseWriter.Write(nil); err != nil {
		return 0, err
	}
	return w.inner.ReadFrom(src)
}

// writerOnly hides every method but Write, so io.CopyBuffer cannot call ReadFrom back.
type writerOnly struct{ io.Writer }

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *readFromWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
