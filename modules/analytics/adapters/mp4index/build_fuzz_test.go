package mp4index_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"vms/modules/analytics/adapters/mp4index"
	"vms/modules/analytics/domain"
)

// Uploads are anyone's bytes: Build never panics or hangs on them, and what it indexes
// is a table of sane extents.
func FuzzBuild(f *testing.F) {
	sample, err := os.ReadFile("../../../../app/testdata/sample.mp4")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add(sample[:3100])
	f.Add(append(append([]byte{}, sample[:32]...), sample[3068:]...)) // no moov
	f.Add([]byte("\x00\x00\x00\x08moov"))
	f.Add([]byte{0x1a, 0x45, 0xdf, 0xa3})
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := mp4index.Build(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, domain.ErrUnsupported) {
				t.Fatalf("reading from memory failed with %v, not ErrUnsupported", err)
			}
			return
		}
		if x.Seconds() < 1 || x.Seconds() > domain.MaxSeconds {
			t.Fatalf("%d seconds", x.Seconds())
		}
		for s := range x.Seconds() {
			if e := x.Extent(s); e.Start < 0 || e.End < e.Start {
				t.Fatalf("extent of second %d: %v", s, e)
			}
		}
	})
}
