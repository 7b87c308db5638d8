package httpapi

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"vms/modules/video/domain"
	"vms/platform/httpserver"
	"vms/platform/kind"
)

// multipartOverhead is the room a request body gets beyond MAX_UPLOAD_BYTES for the
// multipart framing and the name part.
const multipartOverhead = 1 << 20

// maxNamePart bounds the bytes read from the name part.
const maxNamePart = 4 * domain.MaxNameLength

// upload reads a multipart/form-data body part by part and streams the file part to
// storage: no temp files, no whole-file buffering. The row is written only after the
// file is stored; any failure deletes the stored file.
func (h *Handler) upload(c *gin.Context) {
	ctx := c.Request.Context()
	who := caller(c)
	if !who.IsAdmin() {
		httpserver.Fail(c, domain.ErrAdminOnly)
		return
	}
	limit := h.svc.MaxUploadBytes() + multipartOverhead
	if c.Request.ContentLength > limit {
		c.Header("Connection", "close")
		httpserver.Fail(c, kind.New(kind.TooLarge, "the upload is larger than "+strconv.FormatInt(h.svc.MaxUploadBytes(), 10)+" bytes"))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		httpserver.Fail(c, kind.New(kind.BadRequest, "request body must be multipart/form-data with a boundary"))
		return
	}
	var (
		name   string
		stored *domain.StoredFile
		done   bool
	)
	defer func() {
		if stored != nil && !done {
			h.svc.DiscardFile(ctx, *stored)
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			failUpload(c, err)
			return
		}
		switch part.FormName() {
		case "name":
			raw, err := io.ReadAll(io.LimitReader(part, maxNamePart+1))
			if err != nil {
				failUpload(c, err)
				return
			}
			if len(raw) > maxNamePart {
				httpserver.Fail(c, domain.Invalid("name", "must be at most 200 characters"))
				return
			}
			if name, err = domain.NormalizeName(string(raw)); err != nil {
				httpserver.Fail(c, err)
				return
			}
		case "file":
			if stored != nil {
				httpserver.Fail(c, domain.Invalid("file", "send one file per request"))
				return
			}
			f, err := h.svc.StoreFile(ctx, who, part)
			if err != nil {
				failUpload(c, err)
				return
			}
			stored = &f
		default:
			httpserver.Fail(c, domain.Invalid(part.FormName(), "is not a known field"))
			return
		}
		_ = part.Close()
	}
	if stored == nil {
		httpserver.Fail(c, domain.Invalid("file", "is required"))
		return
	}
	done = true
	v, err := h.svc.CreateUpload(ctx, who, name, *stored)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toResponse(v))
}

// failUpload answers a broken upload: errors with a kind keep it, a body over the limit
// is 413 and any other read failure is a 400, since the client sent a broken body.
func failUpload(c *gin.Context, err error) {
	if httpserver.Status(err) == http.StatusRequestEntityTooLarge {
		c.Header("Connection", "close")
	}
	var kinded kind.Kinded
	var mbe *http.MaxBytesError
	if errors.As(err, &kinded) || errors.As(err, &mbe) {
		httpserver.Fail(c, err)
		return
	}
	if c.Request.Context().Err() != nil {
		httpserver.Fail(c, kind.New(kind.BadRequest, "the upload was interrupted"))
		return
	}
	httpserver.Fail(c, kind.New(kind.BadRequest, "the multipart body is malformed: "+err.Error()))
}
