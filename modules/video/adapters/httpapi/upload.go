package httpapi

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"vms/platform/httpserver"
	"vms/platform/kind"
)

// multipartOverhead is the room a request body gets beyond MAX_UPLOAD_BYTES for the
// multipart framing and the name part.
const multipartOverhead = 1 << 20

// upload checks the framing of a multipart/form-data body and hands its parts, as they
// arrive, to the upload use case: no temp files, no whole-file buffering. A body
// announced above the limit is refused before a byte of it is read.
func (h *Handler) upload(c *gin.Context) {
	limit := h.svc.MaxUploadBytes() + multipartOverhead
	if c.Request.ContentLength > limit {
		c.Header("Connection", "close")
		httpserver.Fail(c, h.tooLarge())
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		httpserver.Fail(c, kind.New(kind.BadRequest, "request body must be multipart/form-data with a boundary"))
		return
	}
	v, err := h.svc.Upload(c.Request.Context(), caller(c), &formParts{mr: mr, length: c.Request.ContentLength, tooLarge: h.tooLarge})
	if err != nil {
		if httpserver.Status(err) == http.StatusRequestEntityTooLarge {
			c.Header("Connection", "close")
		}
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toResponse(v))
}

func (h *Handler) tooLarge() error {
	return kind.New(kind.TooLarge, "the upload is larger than "+strconv.FormatInt(h.svc.MaxUploadBytes(), 10)+" bytes")
}

// formParts is a domain.UploadParts over a multipart reader. A body over the request
// limit turns into a too_large error; other read errors pass on as they are.
type formParts struct {
	mr       *multipart.Reader
	length   int64
	tooLarge func() error
}

// Length is the request's Content-Length, -1 when it has none.
func (p *formParts) Length() int64 { return p.length }

// Next returns the next part's form name and body.
func (p *formParts) Next() (string, io.Reader, error) {
	part, err := p.mr.NextPart()
	if err != nil {
		return "", nil, p.translate(err)
	}
	return part.FormName(), partReader{part: part, p: p}, nil
}

func (p *formParts) translate(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return p.tooLarge()
	}
	return err
}

// partReader reads one part, translating a body over the limit.
type partReader struct {
	part *multipart.Part
	p    *formParts
}

func (r partReader) Read(b []byte) (int, error) {
	n, err := r.part.Read(b)
	if err != nil && err != io.EOF {
		err = r.p.translate(err)
	}
	return n, err
}
