// Package httpapi is the upload module's HTTP adapter: the tus 1.0 routes under
// /v1/uploads (served by tusd behind the platform guard and a per-upload corporation
// check) and GET /v1/uploads/{id}, with their API documentation.
package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/tus/tusd/v2/pkg/handler"

	"vms/modules/upload/adapters/tusd"
	"vms/modules/upload/domain"
	"vms/modules/upload/service"
	"vms/platform/httpserver"
	"vms/platform/kind"
	"vms/platform/principal"
)

const (
	statusChecksumMismatch = tusd.StatusChecksumMismatch
	checksumAlgorithms     = tusd.ChecksumAlgorithms
	prefix                 = "/v1/uploads"
)

// Offsets reports how many bytes of an unfinished upload have arrived.
type Offsets interface {
	Offset(ctx context.Context, id string) (int64, error)
}

// Handler serves the upload routes.
type Handler struct {
	svc        *service.Service
	tus        *handler.UnroutedHandler
	offsets    Offsets
	guard      *httpserver.Guard
	cors       *httpserver.CORS
	extensions string
}

var _ httpserver.Registrar = (*Handler)(nil)

// New builds the handler.
func New(svc *service.Service, tus *handler.UnroutedHandler, offsets Offsets, guard *httpserver.Guard, cors *httpserver.CORS) *Handler {
	return &Handler{svc: svc, tus: tus, offsets: offsets, guard: guard, cors: cors, extensions: tus.SupportedExtensions() + ",checksum,expiration"}
}

// Register adds the routes. Answers given before tusd runs (the guard's 401, a foreign
// upload's 404) carry the CORS headers too, so a browser client on an allowed origin can
// read why it was refused. API keys need videos:write.
func (h *Handler) Register(r gin.IRouter) {
	signed := h.guard.Required(principal.VideosWrite)
	g := r.Group(prefix, h.cors.Allow())
	g.OPTIONS("", h.discover)
	g.POST("", signed, h.create)
	g.OPTIONS("/:id", h.preflight)
	g.HEAD("/:id", signed, h.owned, h.head)
	g.PATCH("/:id", signed, h.owned, h.patch)
	g.DELETE("/:id", signed, h.owned, h.terminate)
	g.GET("/:id", signed, h.get)
}

// serve runs one tusd handler behind tusd's protocol middleware (version check, CORS,
// Tus-Resumable) with the path stripped to the upload id, and returns the status sent.
func (h *Handler) serve(c *gin.Context, fn http.HandlerFunc) int {
	if c.Request.Method != http.MethodOptions && sameOrigin(c.Request) {
		// Browsers send Origin with their own origin's POST, PATCH and DELETE too (the web
		// console's uploads). Such a request is not cross-origin, but tusd refuses any
		// Origin outside CORS_ORIGINS, so it must not see this one. A page of another
		// origin gains nothing by passing as this one: tus requests carry headers that
		// need a preflight, and preflights keep their Origin.
		c.Request.Header.Del("Origin")
	}
	// tusd answers CORS with its own list of exposed headers.
	c.Writer.Header().Del("Access-Control-Allow-Origin")
	c.Writer.Header().Del("Access-Control-Expose-Headers")
	var failure tusd.Failure
	c.Request = c.Request.WithContext(tusd.WithFailure(c.Request.Context(), &failure))
	w := &tusWriter{ResponseWriter: c.Writer, req: c.Request, requestID: httpserver.RequestID(c), extensions: h.extensions, failure: &failure}
	http.StripPrefix(prefix, h.tus.Middleware(fn)).ServeHTTP(w, c.Request)
	w.finish()
	c.Abort()
	return w.status
}

// sameOrigin reports whether the request's Origin names the host it was sent to. A
// proxy that passes Host without the port (nginx's $host) is matched by host name.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return !strings.Contains(r.Host, ":") && strings.EqualFold(u.Hostname(), r.Host)
}

// withChecksum puts the request's Upload-Checksum where the store checks it, or answers
// 400 when the header cannot be used.
func withChecksum(c *gin.Context) bool {
	ctx, err := tusd.WithChecksum(c.Request.Context(), c.GetHeader("Upload-Checksum"))
	if err != nil {
		httpserver.Fail(c, kind.New(kind.BadRequest, err.Error()))
		return false
	}
	c.Request = c.Request.WithContext(ctx)
	return true
}

func caller(c *gin.Context) principal.Principal {
	p, _ := httpserver.Caller(c)
	return p
}

const uploadKey = "upload"

// owned finds the upload of the path for the caller: 403 for a guest, 404 for another
// corporation's, a missing or an expired upload. It announces Upload-Expires.
func (h *Handler) owned(c *gin.Context) {
	u, err := h.svc.Find(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	if !u.Finished() {
		c.Header("Upload-Expires", u.ExpiresAt.Format(tusd.ExpiresFormat))
	}
	c.Set(uploadKey, u)
	c.Next()
}

func ownedUpload(c *gin.Context) domain.Upload {
	u, _ := c.Get(uploadKey)
	return u.(domain.Upload)
}

// discover godoc
//
//	@Summary		tus discovery
//	@ID				discoverUploads
//	@Description	tus 1.0 OPTIONS: the protocol versions, extensions (creation, creation-with-upload, termination, checksum, expiration), checksum algorithms and the largest upload. Also answers CORS preflights from CORS_ORIGINS. No authentication.
//	@Tags			uploads
//	@Produce		application/problem+json
//	@Success		200
//	@Success		204
//	@Header			200	{string}	Tus-Version				"1.0.0"
//	@Header			200	{string}	Tus-Extension			"creation,creation-with-upload,termination,checksum,expiration"
//	@Header			200	{string}	Tus-Checksum-Algorithm	"sha256,sha1"
//	@Header			200	{integer}	Tus-Max-Size			"MAX_UPLOAD_BYTES"
//	@Failure		403	{object}	httpserver.Problem	"the Origin is not in CORS_ORIGINS"
//	@Router			/v1/uploads [options]
func (h *Handler) discover(c *gin.Context) { h.serve(c, nil) }

// preflight godoc
//
//	@Summary		tus discovery on an upload
//	@ID				discoverUpload
//	@Description	The same answer as OPTIONS /v1/uploads, for CORS preflights of HEAD, PATCH and DELETE.
//	@Tags			uploads
//	@Produce		application/problem+json
//	@Param			id	path	string	true	"upload id"	minLength(1)
//	@Success		200
//	@Success		204
//	@Failure		403	{object}	httpserver.Problem	"the Origin is not in CORS_ORIGINS"
//	@Router			/v1/uploads/{id} [options]
func (h *Handler) preflight(c *gin.Context) { h.serve(c, nil) }

// create godoc
//
//	@Summary		Create a resumable upload (tus)
//	@ID				createUpload
//	@Description	tus 1.0 creation (admin only): Upload-Length (at most MAX_UPLOAD_BYTES; deferred lengths are refused; reserved against the storage quota of the corporation's effective plan until the upload completes, is terminated or expires) and Upload-Metadata with name and optional filetype and visibility (public or private). With Content-Type application/offset+octet-stream the body is the first chunk (creation-with-upload; Upload-Checksum applies). The answer's Location is the upload's URL, Upload-Expires when an unfinished upload is deleted (UPLOAD_EXPIRY). An upload completed by this request carries Video-Id, like the final PATCH.
//	@Tags			uploads
//	@Produce		application/problem+json
//	@Accept			octet-stream
//	@Param			Tus-Resumable	header	string	true	"1.0.0"	Enums(1.0.0)
//	@Param			Upload-Length	header	integer	true	"the file's size in bytes"	minimum(0)
//	@Param			Upload-Metadata	header	string	true	"comma-separated key base64(value) pairs: name (required), filetype, visibility"	minLength(1)	extensions(x-example=name bXkgdmlkZW8=)
//	@Param			Upload-Checksum	header	string	false	"sha256 or sha1 and the base64 digest of the body"	minLength(1)
//	@Success		201
//	@Header			201	{string}	Location		"the upload's URL"
//	@Header			201	{string}	Upload-Expires	"when the unfinished upload expires (HTTP-date)"
//	@Header			201	{integer}	Upload-Offset	"bytes received (creation-with-upload)"
//	@Header			201	{integer}	Video-Id		"the video the upload became, when this request completed it"
//	@Failure		400	{object}	httpserver.Problem	"missing or malformed tus headers"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token"
//	@Failure		403	{object}	httpserver.Problem	"the caller is not an admin, or the Origin is not allowed; or an API key without videos:write"
//	@Failure		412	{object}	httpserver.Problem	"Tus-Resumable is not 1.0.0"
//	@Failure		413	{object}	httpserver.Problem	"Upload-Length is larger than MAX_UPLOAD_BYTES, or does not fit in the storage quota of the corporation's plan beside what it stores and has reserved (type /problems/quota-exceeded, with quota, used and requested in bytes; nothing is created)"
//	@Failure		415	{object}	httpserver.Problem	"the completed file is not a video; the upload is deleted"
//	@Failure		422	{object}	httpserver.Problem	"name or visibility in Upload-Metadata is invalid"
//	@Failure		460	{object}	httpserver.Problem	"the chunk does not match Upload-Checksum"
//	@Security		BearerAuth
//	@Router			/v1/uploads [post]
func (h *Handler) create(c *gin.Context) {
	if !withChecksum(c) {
		return
	}
	h.serve(c, h.tus.PostFile)
}

// head godoc
//
//	@Summary		Offset of a resumable upload (tus)
//	@ID				headUpload
//	@Description	tus 1.0 HEAD: Upload-Offset (bytes received so far) and Upload-Length. An upload of another corporation, a missing and an expired one answer 404. A completed upload answers its full offset and Video-Id.
//	@Tags			uploads
//	@Produce		application/problem+json
//	@Param			id	path	string	true	"upload id"	minLength(1)
//	@Success		200
//	@Header			200	{integer}	Upload-Offset	"bytes received"
//	@Header			200	{integer}	Upload-Length	"the file's size"
//	@Header			200	{string}	Upload-Expires	"when the unfinished upload expires"
//	@Header			200	{integer}	Video-Id		"the video a completed upload became"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token"
//	@Failure		403	{object}	httpserver.Problem	"the caller is not an admin; or an API key without videos:write"
//	@Failure		404	{object}	httpserver.Problem	"no such upload for the caller's corporation, or it expired"
//	@Security		BearerAuth
//	@Router			/v1/uploads/{id} [head]
func (h *Handler) head(c *gin.Context) {
	u := ownedUpload(c)
	if u.Finished() {
		finished(c, u)
		c.Status(http.StatusOK)
		return
	}
	h.serve(c, h.tus.HeadFile)
}

// finished sets the headers of a completed upload.
func finished(c *gin.Context, u domain.Upload) {
	n := strconv.FormatInt(u.Length, 10)
	c.Header("Tus-Resumable", "1.0.0")
	c.Header("Upload-Offset", n)
	c.Header("Upload-Length", n)
	c.Header(tusd.VideoIDHeader, strconv.FormatInt(u.VideoID, 10))
	c.Header("Cache-Control", "no-store")
}

// patch godoc
//
//	@Summary		Append to a resumable upload (tus)
//	@ID				patchUpload
//	@Description	tus 1.0 PATCH with Content-Type application/offset+octet-stream: the bytes from Upload-Offset, which must equal the offset received so far (409 otherwise). With Upload-Checksum a chunk that does not match is discarded (460) and the upload stays at its offset. The request that receives the last byte sniffs the file (415 and the upload deleted when it is not a video), then registers the video (processing) and its processing job in one transaction: Video-Id names it.
//	@Tags			uploads
//	@Produce		application/problem+json
//	@Accept			octet-stream
//	@Param			id				path	string	true	"upload id"	minLength(1)
//	@Param			Tus-Resumable	header	string	true	"1.0.0"	Enums(1.0.0)
//	@Param			Upload-Offset	header	integer	true	"the offset the bytes start at"	minimum(0)
//	@Param			Upload-Checksum	header	string	false	"sha256 or sha1 and the base64 digest of the body"	minLength(1)
//	@Success		204
//	@Header			204	{integer}	Upload-Offset	"bytes received"
//	@Header			204	{string}	Upload-Expires	"when the unfinished upload expires"
//	@Header			204	{integer}	Video-Id		"the video the upload became, on the response that completed it"
//	@Failure		400	{object}	httpserver.Problem	"missing or malformed tus headers"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token"
//	@Failure		403	{object}	httpserver.Problem	"the caller is not an admin; or an API key without videos:write"
//	@Failure		404	{object}	httpserver.Problem	"no such upload for the caller's corporation, or it expired"
//	@Failure		409	{object}	httpserver.Problem	"Upload-Offset is not the upload's offset"
//	@Failure		412	{object}	httpserver.Problem	"Tus-Resumable is not 1.0.0"
//	@Failure		413	{object}	httpserver.Problem	"the bytes go past Upload-Length"
//	@Failure		415	{object}	httpserver.Problem	"wrong Content-Type, or the completed file is not a video (the upload is deleted)"
//	@Failure		460	{object}	httpserver.Problem	"the chunk does not match Upload-Checksum"
//	@Security		BearerAuth
//	@Router			/v1/uploads/{id} [patch]
func (h *Handler) patch(c *gin.Context) {
	u := ownedUpload(c)
	if u.Finished() {
		if c.GetHeader("Upload-Offset") != strconv.FormatInt(u.Length, 10) {
			httpserver.Fail(c, kind.New(kind.Conflict, "the upload is complete; Upload-Offset must be its length"))
			return
		}
		finished(c, u)
		c.Status(http.StatusNoContent)
		return
	}
	if !withChecksum(c) {
		return
	}
	h.serve(c, h.tus.PatchFile)
}

// terminate godoc
//
//	@Summary		Delete a resumable upload (tus termination)
//	@ID				terminateUpload
//	@Description	tus 1.0 termination: the upload's parts and row are deleted. A completed upload's video stays.
//	@Tags			uploads
//	@Produce		application/problem+json
//	@Param			id				path	string	true	"upload id"	minLength(1)
//	@Param			Tus-Resumable	header	string	true	"1.0.0"	Enums(1.0.0)
//	@Success		204
//	@Failure		401	{object}	httpserver.Problem	"no valid access token"
//	@Failure		403	{object}	httpserver.Problem	"the caller is not an admin; or an API key without videos:write"
//	@Failure		404	{object}	httpserver.Problem	"no such upload for the caller's corporation, or it expired"
//	@Failure		412	{object}	httpserver.Problem	"Tus-Resumable is not 1.0.0"
//	@Security		BearerAuth
//	@Router			/v1/uploads/{id} [delete]
func (h *Handler) terminate(c *gin.Context) {
	u := ownedUpload(c)
	if u.Finished() {
		if err := h.svc.Terminated(c.Request.Context(), u); err != nil {
			httpserver.Fail(c, err)
			return
		}
		c.Header("Tus-Resumable", "1.0.0")
		c.Status(http.StatusNoContent)
		return
	}
	if h.serve(c, h.tus.DelFile) == http.StatusNoContent {
		if err := h.svc.Terminated(context.WithoutCancel(c.Request.Context()), u); err != nil {
			_ = c.Error(err)
		}
	}
}

// UploadResponse is the state of a resumable upload.
type UploadResponse struct {
	ID        string    `json:"id" validate:"required" example:"9f86d081884c7d659a2feaa0c55ad015"`
	Offset    int64     `json:"offset" validate:"required" minimum:"0" example:"1048576"`
	Length    int64     `json:"length" validate:"required" minimum:"0" example:"88925"`
	ExpiresAt time.Time `json:"expires_at" validate:"required" format:"date-time" example:"2026-01-03T03:04:05Z"`
	// VideoID is the video the upload became; null until the upload is complete.
	VideoID *int64 `json:"video_id" validate:"required" extensions:"x-nullable" example:"42"`
}

// get godoc
//
//	@Summary		State of a resumable upload
//	@ID				getUpload
//	@Description	The upload's offset, length and expiry, and the id of the video it became (null until complete). Another corporation's, a missing and an expired upload answer 404.
//	@Tags			uploads
//	@Produce		json,application/problem+json
//	@Param			id	path		string	true	"upload id"	minLength(1)
//	@Success		200	{object}	UploadResponse
//	@Failure		401	{object}	httpserver.Problem	"no valid access token"
//	@Failure		403	{object}	httpserver.Problem	"the caller is not an admin; or an API key without videos:write"
//	@Failure		404	{object}	httpserver.Problem	"no such upload for the caller's corporation, or it expired"
//	@Security		BearerAuth
//	@Router			/v1/uploads/{id} [get]
func (h *Handler) get(c *gin.Context) {
	u, err := h.svc.Find(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	resp := UploadResponse{ID: u.ID, Offset: u.Length, Length: u.Length, ExpiresAt: u.ExpiresAt}
	if u.Finished() {
		id := u.VideoID
		resp.VideoID = &id
	} else if resp.Offset, err = h.offsets.Offset(c.Request.Context(), u.ID); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, resp)
}
