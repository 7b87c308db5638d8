package mp4index

import (
	"io"

	mp4 "github.com/abema/go-mp4"

	"vms/modules/analytics/domain"
)

// maxSamples bounds the samples of a track walked (a day of 120 fps video is ten
// million), so that a small crafted sample table cannot keep the flush busy.
const maxSamples = 20_000_000

// track is the part of a trak box the index needs.
type track struct {
	handler   string
	timescale uint32
	shift     int64 // the edit list's media time: decode times before it are not shown
	chunks    []int64
	stsc      []mp4.StscEntry
	sizes     []uint32 // per sample; empty when every sample has constSize
	constSize uint32
	count     uint32
	stts      []mp4.SttsEntry
}

func stbl(t mp4.BoxType) mp4.BoxPath {
	return mp4.BoxPath{mp4.BoxTypeMdia(), mp4.BoxTypeMinf(), mp4.BoxTypeStbl(), t}
}

func readTrack(r io.ReadSeeker, trak *mp4.BoxInfo) (*track, error) {
	boxes, err := mp4.ExtractBoxesWithPayload(r, trak, []mp4.BoxPath{
		{mp4.BoxTypeMdia(), mp4.BoxTypeHdlr()},
		{mp4.BoxTypeMdia(), mp4.BoxTypeMdhd()},
		{mp4.BoxTypeEdts(), mp4.BoxTypeElst()},
		stbl(mp4.BoxTypeStco()), stbl(mp4.BoxTypeCo64()), stbl(mp4.BoxTypeStsc()),
		stbl(mp4.BoxTypeStsz()), stbl(mp4.BoxTypeStts()),
	})
	if err != nil {
		return nil, unsupported("read a track: %v", err)
	}
	t := &track{}
	for _, b := range boxes {
		switch p := b.Payload.(type) {
		case *mp4.Hdlr:
			t.handler = string(p.HandlerType[:])
		case *mp4.Mdhd:
			t.timescale = p.Timescale
		case *mp4.Elst:
			// The first edit that shows media (-1 is an empty edit: a delay).
			for i := range p.Entries {
				if mt := p.GetMediaTime(i); mt >= 0 {
					t.shift = mt
					break
				}
			}
		case *mp4.Stco:
			t.chunks = make([]int64, len(p.ChunkOffset))
			for i, o := range p.ChunkOffset {
				t.chunks[i] = int64(o)
			}
		case *mp4.Co64:
			t.chunks = make([]int64, len(p.ChunkOffset))
			for i, o := range p.ChunkOffset {
				if o > maxBox {
					return nil, unsupported("a chunk at %d", o)
				}
				t.chunks[i] = int64(o)
			}
		case *mp4.Stsc:
			t.stsc = p.Entries
		case *mp4.Stsz:
			t.sizes, t.constSize, t.count = p.EntrySize, p.SampleSize, p.SampleCount
		case *mp4.Stts:
			t.stts = p.Entries
		}
	}
	return t, nil
}

// index walks the samples chunk by chunk (stsc says how many each chunk holds; their
// sizes follow one another from the chunk's offset) and gives each its decode time from
// stts, less the edit list's shift. Decode time is within a few frames of presentation
// time, far finer than the seconds counted.
func (t *track) index(fileSize int64) (domain.Index, error) {
	if t.timescale == 0 || len(t.chunks) == 0 || len(t.stsc) == 0 || len(t.stts) == 0 || t.count == 0 {
		return domain.Index{}, unsupported("a %s track without samples (fragmented?)", t.handler)
	}
	if t.count > maxSamples || int64(t.constSize)*int64(t.count) > fileSize {
		return domain.Index{}, unsupported("%d samples", t.count)
	}
	if t.constSize == 0 && len(t.sizes) < int(t.count) {
		return domain.Index{}, unsupported("a sample size table shorter than its count")
	}
	var ticks int64
	for _, e := range t.stts {
		ticks += int64(e.SampleCount) * int64(e.SampleDelta)
	}
	scale := float64(t.timescale)
	b := domain.NewIndexBuilder(float64(ticks-t.shift) / scale)

	sample := uint32(0)
	sttsAt, sttsLeft := 0, t.stts[0].SampleCount
	var dts int64
	next := func() (time float64, ok bool) {
		for sttsLeft == 0 {
			sttsAt++
			if sttsAt == len(t.stts) {
				return 0, false
			}
			sttsLeft = t.stts[sttsAt].SampleCount
		}
		time = float64(dts-t.shift) / scale
		dts += int64(t.stts[sttsAt].SampleDelta)
		sttsLeft--
		return time, true
	}
	for e, entry := range t.stsc {
		first := int(entry.FirstChunk) - 1
		end := len(t.chunks)
		if e+1 < len(t.stsc) {
			end = min(end, int(t.stsc[e+1].FirstChunk)-1)
		}
		for c := max(first, 0); c < end; c++ {
			offset := t.chunks[c]
			for range entry.SamplesPerChunk {
				if sample == t.count {
					break
				}
				size := t.constSize
				if size == 0 {
					size = t.sizes[sample]
				}
				at, ok := next()
				if !ok {
					break
				}
				b.Add(offset, int64(size), at)
				offset += int64(size)
				sample++
			}
		}
	}
	x, ok := b.Index()
	if !ok {
		return domain.Index{}, unsupported("a %s track without samples", t.handler)
	}
	return x, nil
}
