package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"vms/modules/auth/domain"
	"vms/modules/auth/service"
	"vms/platform/httpserver"
	"vms/platform/kind"
)

// KeyHandlers serves /v1/api-keys. Every route needs a signed-in admin user: the guard
// names no scope, so API keys are refused before the handler runs.
type KeyHandlers struct {
	keys  *service.Keys
	guard *httpserver.Guard
}

var _ httpserver.Registrar = (*KeyHandlers)(nil)

// NewKeyHandlers builds the handlers.
func NewKeyHandlers(keys *service.Keys, guard *httpserver.Guard) *KeyHandlers {
	return &KeyHandlers{keys: keys, guard: guard}
}

// Register adds the routes.
func (h *KeyHandlers) Register(r gin.IRouter) {
	g := r.Group("/v1/api-keys", h.guard.Required())
	g.POST("", h.create)
	g.GET("", h.list)
	g.DELETE("/:id", h.revoke)
}

// CreateAPIKeyRequest is the body of POST /v1/api-keys.
type CreateAPIKeyRequest struct {
	// What the key is for, to tell keys apart.
	Name *string `json:"name" validate:"required" minLength:"1" maxLength:"100" example:"CI uploads"`
	// What the key may do; at least one. An unknown scope is refused (422).
	Scopes []string `json:"scopes" validate:"required" enums:"videos:read,videos:write,users:read,users:write,webhooks:write,analytics:read" example:"videos:read,videos:write"`
	// When the key stops working: an RFC 3339 time or a YYYY-MM-DD date (midnight UTC), in the future; left out or null, never.
	ExpiresAt *string `json:"expires_at" extensions:"x-nullable" minLength:"10" maxLength:"64" example:"2027-01-01T00:00:00Z"`
}

// APIKeyResponse describes an API key; the key itself is never shown again.
type APIKeyResponse struct {
	ID            int64  `json:"id" validate:"required" minimum:"1" example:"3"`
	CorporationID int64  `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
	Name          string `json:"name" validate:"required" example:"CI uploads"`
	// The first characters of the key, to recognise it.
	Prefix     string     `json:"prefix" validate:"required" example:"vms_k3xq7mzd"`
	Scopes     []string   `json:"scopes" validate:"required" enums:"videos:read,videos:write,users:read,users:write,webhooks:write,analytics:read" example:"videos:read,videos:write"`
	CreatedAt  time.Time  `json:"created_at" validate:"required" format:"date-time" example:"2026-03-01T12:00:00Z"`
	LastUsedAt *time.Time `json:"last_used_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-03-01T12:10:00Z"`
	ExpiresAt  *time.Time `json:"expires_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2027-01-01T00:00:00Z"`
	RevokedAt  *time.Time `json:"revoked_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-03-02T08:00:00Z"`
}

// CreatedAPIKeyResponse is a new API key with the key itself, shown this once.
type CreatedAPIKeyResponse struct {
	ID            int64  `json:"id" validate:"required" minimum:"1" example:"3"`
	CorporationID int64  `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
	Name          string `json:"name" validate:"required" example:"CI uploads"`
	// The key, sent as "Authorization: Bearer <key>"; it is stored only as a hash and never shown again.
	Key        string     `json:"key" validate:"required" minLength:"68" maxLength:"68" example:"vms_k3xq7mzdab2cd3ef4gh5ij6kl7mn2op3qr4st5uv6wx7yz2ab3cd4ef5gh6ij7kl"`
	Prefix     string     `json:"prefix" validate:"required" example:"vms_k3xq7mzd"`
	Scopes     []string   `json:"scopes" validate:"required" enums:"videos:read,videos:write,users:read,users:write,webhooks:write,analytics:read" example:"videos:read,videos:write"`
	CreatedAt  time.Time  `json:"created_at" validate:"required" format:"date-time" example:"2026-03-01T12:00:00Z"`
	LastUsedAt *time.Time `json:"last_used_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-03-01T12:10:00Z"`
	ExpiresAt  *time.Time `json:"expires_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2027-01-01T00:00:00Z"`
	RevokedAt  *time.Time `json:"revoked_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-03-02T08:00:00Z"`
}

func toKeyResponse(k domain.APIKey) APIKeyResponse {
	scopes := k.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return APIKeyResponse{
		ID:            k.ID,
		CorporationID: k.CorporationID,
		Name:          k.Name,
		Prefix:        k.Prefix,
		Scopes:        scopes,
		CreatedAt:     k.CreatedAt.UTC(),
		LastUsedAt:    utc(k.LastUsedAt),
		ExpiresAt:     utc(k.ExpiresAt),
		RevokedAt:     utc(k.RevokedAt),
	}
}

// create godoc
//
//	@Summary		Create an API key
//	@ID			createAPIKey
//	@Description	Creates a key for the caller's corporation, for automation (CI, integrations). The answer holds the key itself in key, shown this once: only its SHA-256 is stored. Send it as "Authorization: Bearer vms_…". A key acts for its corporation only, with an admin's rights narrowed to its scopes; it never streams, views or earns points, and never manages keys or sessions. Only an admin user may create keys.
//	@Tags			api-keys
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			body	body		CreateAPIKeyRequest	true	"name, scopes and optional expiry"
//	@Success		201		{object}	CreatedAPIKeyResponse
//	@Failure		400	{object}	httpserver.Problem	"malformed JSON, or a body that is not one JSON object"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token"
//	@Failure		403	{object}	httpserver.Problem	"the caller is a guest or an API key"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"missing or invalid fields (an unknown scope, an expiry in the past), named in errors"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/api-keys [post]
func (h *KeyHandlers) create(c *gin.Context) {
	caller, ok := httpserver.Caller(c)
	if !ok {
		httpserver.Fail(c, kind.New(kind.Unauthorized, "sign in first"))
		return
	}
	var req CreateAPIKeyRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	in := service.NewKeyInput{Scopes: req.Scopes}
	if req.Name != nil {
		in.Name = *req.Name
	}
	if req.ExpiresAt != nil {
		in.ExpiresAt = *req.ExpiresAt
	}
	k, secret, err := h.keys.Create(c.Request.Context(), caller, in)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	r := toKeyResponse(k)
	noStore(c)
	c.JSON(http.StatusCreated, CreatedAPIKeyResponse{
		ID: r.ID, CorporationID: r.CorporationID, Name: r.Name, Key: secret, Prefix: r.Prefix, Scopes: r.Scopes,
		CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt, ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt,
	})
}

// list godoc
//
//	@Summary		List API keys
//	@ID			listAPIKeys
//	@Description	Lists the keys of the caller's corporation, revoked and expired ones included, oldest first, with keyset pagination (Link header with rel="next"). The keys themselves are never shown; prefix tells them apart. last_used_at is written at most once a minute per key. Only an admin user may list keys.
//	@Tags			api-keys
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			limit	query		int		false	"page size"	default(20)	minimum(1)	maximum(100)
//	@Param			cursor	query		string	false	"opaque cursor from the Link header (rel=next) of the previous page"	minLength(1)	maxLength(64)	pattern(^[A-Za-z0-9_-]+$)	extensions(x-example=aWQ6MjA)
//	@Success		200		{array}		APIKeyResponse
//	@Header			200		{string}	Link	"next page: <…>; rel=\"next\""
//	@Failure		400	{object}	httpserver.Problem	"limit or cursor is not valid"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token"
//	@Failure		403	{object}	httpserver.Problem	"the caller is a guest or an API key"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/api-keys [get]
func (h *KeyHandlers) list(c *gin.Context) {
	caller, ok := httpserver.Caller(c)
	if !ok {
		httpserver.Fail(c, kind.New(kind.Unauthorized, "sign in first"))
		return
	}
	page, err := httpserver.ParsePage(c)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	list, err := h.keys.List(c.Request.Context(), caller, page.After, page.Limit)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	out := make([]APIKeyResponse, 0, len(list))
	for _, k := range list {
		out = append(out, toKeyResponse(k))
	}
	if len(list) > 0 {
		httpserver.SetNextLink(c, page, len(list), list[len(list)-1].ID)
	}
	noStore(c)
	c.JSON(http.StatusOK, out)
}

// revoke godoc
//
//	@Summary		Revoke an API key
//	@ID			revokeAPIKey
//	@Description	Revokes a key of the caller's corporation: from this answer on, requests with it get 401 on this server, and on every replica within 10 s (the key cache). Revoking a revoked key answers 204 again. Only an admin user may revoke keys.
//	@Tags			api-keys
//	@Produce		application/problem+json
//	@Security		BearerAuth
//	@Param			id	path	int	true	"API key id"	minimum(1)
//	@Success		204
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token"
//	@Failure		403	{object}	httpserver.Problem	"the caller is a guest or an API key"
//	@Failure		404	{object}	httpserver.Problem	"no such key in the caller's corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/api-keys/{id} [delete]
func (h *KeyHandlers) revoke(c *gin.Context) {
	caller, ok := httpserver.Caller(c)
	if !ok {
		httpserver.Fail(c, kind.New(kind.Unauthorized, "sign in first"))
		return
	}
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	if err := h.keys.Revoke(c.Request.Context(), caller, id); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
