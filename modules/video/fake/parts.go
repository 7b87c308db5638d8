package fake

import (
	"io"
	"strings"

	"vms/modules/video/domain"
)

// Part is one part of an upload: a form field and its body.
type Part struct {
	Field string
	Body  io.Reader
}

// TextPart returns a part whose body is s.
func TextPart(field, s string) Part { return Part{Field: field, Body: strings.NewReader(s)} }

// Parts is a domain.UploadParts over a list of parts; after them it returns Err, or
// io.EOF when Err is nil.
type Parts struct {
	List []Part
	Err  error
	// Declared is what Length answers.
	Declared int64
}

var _ domain.UploadParts = (*Parts)(nil)

// NewParts returns the parts in order.
func NewParts(list ...Part) *Parts { return &Parts{List: list} }

// Length returns Declared.
func (p *Parts) Length() int64 { return p.Declared }

// Next returns the next part.
func (p *Parts) Next() (string, io.Reader, error) {
	if len(p.List) == 0 {
		if p.Err != nil {
			return "", nil, p.Err
		}
		return "", nil, io.EOF
	}
	next := p.List[0]
	p.List = p.List[1:]
	return next.Field, next.Body, nil
}
