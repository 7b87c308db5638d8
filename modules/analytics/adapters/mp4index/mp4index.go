// Package mp4index builds the index from byte offsets to media time of MP4 and QuickTime
// files with github.com/abema/go-mp4: the sample table of one track (stco/co64, stsc,
// stsz for where each sample's bytes are; stts, the edit list and the media timescale for
// when it plays).
package mp4index

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	mp4 "github.com/abema/go-mp4"

	"vms/modules/analytics/domain"
)

// MaxMoovBytes bounds the movie box read into memory (a two-hour 60 fps video's is a few
// MiB).
const MaxMoovBytes = 64 << 20

// maxBox bounds box offsets and sizes (a petabyte), so that they add up within an int64.
const maxBox = 1 << 50

// topLevel are the box types an MP4 or QuickTime file may start with.
var topLevel = map[string]bool{
	"ftyp": true, "moov": true, "mdat": true, "free": true, "skip": true, "wide": true, "pnot": true, "uuid": true,
}

// Build reads the file's movie box and indexes its video track (the first sound track
// when it has no video). A file that is not MP4 or QuickTime, a fragmented MP4 (samples
// in movie fragments), a malformed one and a file without a track to index are
// domain.ErrUnsupported; a failure of r itself (the storage) is returned as it is.
func Build(r io.ReadSeeker) (x domain.Index, err error) {
	defer func() {
		// The parser is not trusted with anyone's bytes: a panic is a file it cannot read.
		if p := recover(); p != nil {
			x, err = domain.Index{}, unsupported("the MP4 parser failed: %v", p)
		}
	}()
	wr := &watchedReader{r: r}
	moov, size, err := readMoov(wr)
	if err != nil && wr.err == nil && !errors.Is(err, domain.ErrUnsupported) {
		err = unsupported("%v", err)
	}
	if err != nil {
		return domain.Index{}, err
	}
	br := bytes.NewReader(moov)
	traks, err := mp4.ExtractBox(br, nil, mp4.BoxPath{mp4.BoxTypeMoov(), mp4.BoxTypeTrak()})
	if err != nil {
		return domain.Index{}, unsupported("read the movie box: %v", err)
	}
	var sound *track
	for _, bi := range traks {
		t, err := readTrack(br, bi)
		if err != nil {
			return domain.Index{}, err
		}
		switch t.handler {
		case "vide":
			return t.index(size)
		case "soun":
			if sound == nil {
				sound = t
			}
		}
	}
	if sound != nil {
		return sound.index(size)
	}
	return domain.Index{}, unsupported("no video or sound track")
}

// watchedReader remembers the first failure of the reader it wraps, so that a failing
// storage can be told from a malformed file.
type watchedReader struct {
	r   io.ReadSeeker
	err error
}

func (w *watchedReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && w.err == nil {
		w.err = err
	}
	return n, err
}

func (w *watchedReader) Seek(offset int64, whence int) (int64, error) {
	n, err := w.r.Seek(offset, whence)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", domain.ErrUnsupported, fmt.Sprintf(format, args...))
}

// readMoov finds the movie box among the top-level boxes (at the start or the end of the
// file) and reads it whole; it also returns the file's size.
func readMoov(r io.ReadSeeker) (moov []byte, size int64, err error) {
	size, err = r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, 0, fmt.Errorf("seek: %w", err)
	}
	var offset int64
	for first := true; ; first = false {
		if _, err := r.Seek(offset, io.SeekStart); err != nil {
			return nil, 0, fmt.Errorf("seek: %w", err)
		}
		bi, err := mp4.ReadBoxInfo(r)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, 0, unsupported("no movie box")
		}
		if err != nil {
			return nil, 0, fmt.Errorf("read a box header: %w", err)
		}
		if !topLevel[bi.Type.String()] {
			if first {
				return nil, 0, unsupported("not an MP4 or QuickTime file")
			}
			if bi.Type == mp4.BoxTypeMoof() {
				return nil, 0, unsupported("a fragmented MP4")
			}
		}
		if bi.Size < bi.HeaderSize || bi.Size > maxBox || bi.Offset > maxBox {
			return nil, 0, unsupported("a box of %d bytes at %d", bi.Size, bi.Offset)
		}
		start, end := int64(bi.Offset), int64(bi.Offset+bi.Size)
		if bi.Type == mp4.BoxTypeMoov() {
			if bi.Size > MaxMoovBytes || end > size {
				return nil, 0, unsupported("a movie box of %d bytes at %d in %d", bi.Size, start, size)
			}
			if _, err := r.Seek(start, io.SeekStart); err != nil {
				return nil, 0, fmt.Errorf("seek: %w", err)
			}
			buf := make([]byte, bi.Size)
			if _, err := io.ReadFull(r, buf); errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return nil, 0, unsupported("a movie box cut short")
			} else if err != nil {
				return nil, 0, fmt.Errorf("read the movie box: %w", err)
			}
			return buf, size, nil
		}
		if bi.ExtendToEOF || end >= size {
			return nil, 0, unsupported("no movie box")
		}
		offset = end
	}
}
