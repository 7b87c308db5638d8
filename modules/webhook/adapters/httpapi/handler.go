package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"vms/modules/webhook/service"
	"vms/platform/httpserver"
	"vms/platform/principal"
)

// Handler serves /v1/webhooks. Every route needs a signed-in caller; managing endpoints
// needs an admin (the service decides).
type Handler struct {
	svc   *service.Service
	guard *httpserver.Guard
}

var _ httpserver.Registrar = (*Handler)(nil)

// New builds the handler.
func New(svc *service.Service, guard *httpserver.Guard) *Handler {
	return &Handler{svc: svc, guard: guard}
}

// Register adds the routes. API keys need webhooks:write, for reads too.
func (h *Handler) Register(r gin.IRouter) {
	g := r.Group("/v1/webhooks", h.guard.Required(principal.WebhooksWrite))
	g.GET("/event-types", h.eventTypes)
	g.POST("", h.create)
	g.GET("", h.list)
	g.GET("/:id", h.get)
	g.PUT("/:id", h.update)
	g.DELETE("/:id", h.delete)
	g.POST("/:id/test", h.test)
	g.GET("/:id/deliveries", h.deliveries)
	g.POST("/:id/deliveries/:delivery_id/retry", h.retry)
}

func caller(c *gin.Context) principal.Principal {
	p, _ := httpserver.Caller(c)
	return p
}

func location(id int64) string { return "/v1/webhooks/" + strconv.FormatInt(id, 10) }

// eventTypes godoc
//
//	@Summary		Webhook event types and their bodies
//	@ID				listWebhookEventTypes
//	@Description	The event types an endpoint may subscribe to, and an example of the JSON body each sends ({type, timestamp, data}, the Standard Webhooks shape). Every request carries webhook-id (the event id, the same on every attempt), webhook-timestamp (Unix seconds of the attempt) and webhook-signature ("v1," and the base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>" keyed with the base64-decoded part of the secret after "whsec_"). The README has a test vector and verification code.
//	@Tags			webhooks
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Success		200	{object}	EventTypesResponse
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"an API key without webhooks:write"
//	@Router			/v1/webhooks/event-types [get]
func (h *Handler) eventTypes(c *gin.Context) {
	c.JSON(http.StatusOK, examples())
}

// create godoc
//
//	@Summary		Create a webhook endpoint
//	@ID				createWebhook
//	@Description	Adds an endpoint to the admin's corporation. The answer carries the signing secret, shown this once. The URL must be https or http without a user name or password; a host that is or resolves to a loopback, private, link-local (169.254.169.254 included) or otherwise internal address is refused (422) unless the server sets ALLOW_PRIVATE_WEBHOOKS=true, and every delivery checks the address again when it connects.
//	@Tags			webhooks
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			body	body		CreateWebhookRequest	true	"the endpoint"
//	@Success		201		{object}	CreatedWebhookResponse
//	@Header			201		{string}	Location	"the endpoint's URL"
//	@Failure		400		{object}	httpserver.Problem	"malformed JSON, or a body that is not one JSON object"
//	@Failure		401		{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403		{object}	httpserver.Problem	"caller is not an admin; or an API key without webhooks:write"
//	@Failure		413		{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415		{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422		{object}	httpserver.Problem	"missing or invalid fields, named in errors (an internal address included)"
//	@Failure		503		{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/webhooks [post]
func (h *Handler) create(c *gin.Context) {
	var req CreateWebhookRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	e, err := h.svc.Create(c.Request.Context(), caller(c), service.EndpointInput{URL: req.URL, Events: req.Events, Description: req.Description, Enabled: req.Enabled})
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Header("Location", location(e.ID))
	c.JSON(http.StatusCreated, CreatedWebhookResponse{WebhookResponse: toResponse(e), Secret: e.Secret})
}

// list godoc
//
//	@Summary		List webhook endpoints
//	@ID				listWebhooks
//	@Description	The endpoints of the admin's corporation, oldest first, with keyset pagination (Link header with rel="next"). Secrets are never shown.
//	@Tags			webhooks
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			limit	query		int		false	"page size"	default(20)	minimum(1)	maximum(100)
//	@Param			cursor	query		string	false	"opaque cursor from the Link header (rel=next) of the previous page"	minLength(1)	maxLength(64)	pattern(^[A-Za-z0-9_-]+$)	extensions(x-example=aWQ6MjA)
//	@Success		200		{array}		WebhookResponse
//	@Header			200		{string}	Link	"next page: <…>; rel=\"next\""
//	@Failure		400		{object}	httpserver.Problem	"limit or cursor is not valid"
//	@Failure		401		{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403		{object}	httpserver.Problem	"caller is not an admin; or an API key without webhooks:write"
//	@Failure		503		{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/webhooks [get]
func (h *Handler) list(c *gin.Context) {
	page, err := httpserver.ParsePage(c)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	es, err := h.svc.List(c.Request.Context(), caller(c), page.After, page.Limit)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	out := make([]WebhookResponse, 0, len(es))
	for _, e := range es {
		out = append(out, toResponse(e))
	}
	if len(es) > 0 {
		httpserver.SetNextLink(c, page, len(es), es[len(es)-1].ID)
	}
	c.JSON(http.StatusOK, out)
}

// get godoc
//
//	@Summary		Get a webhook endpoint
//	@ID				getWebhook
//	@Description	One endpoint of the admin's corporation, without its secret; another corporation's is 404.
//	@Tags			webhooks
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"webhook id"	minimum(1)
//	@Success		200	{object}	WebhookResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin; or an API key without webhooks:write"
//	@Failure		404	{object}	httpserver.Problem	"no such endpoint in the caller's corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/webhooks/{id} [get]
func (h *Handler) get(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	e, err := h.svc.Get(c.Request.Context(), caller(c), id)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(e))
}

// update godoc
//
//	@Summary		Change a webhook endpoint
//	@ID				updateWebhook
//	@Description	Changes the given fields; absent ones stay. A new URL is checked as on creation. Setting enabled to true on an endpoint the server disabled clears disabled_reason; the secret never changes.
//	@Tags			webhooks
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"webhook id"	minimum(1)
//	@Param			body	body		UpdateWebhookRequest	true	"the changes"
//	@Success		200		{object}	WebhookResponse
//	@Failure		400		{object}	httpserver.Problem	"id is not a positive integer, or malformed JSON"
//	@Failure		401		{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403		{object}	httpserver.Problem	"caller is not an admin; or an API key without webhooks:write"
//	@Failure		404		{object}	httpserver.Problem	"no such endpoint in the caller's corporation"
//	@Failure		413		{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415		{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422		{object}	httpserver.Problem	"no field to change, or invalid fields, named in errors"
//	@Failure		503		{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/webhooks/{id} [put]
func (h *Handler) update(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	var req UpdateWebhookRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	e, err := h.svc.Update(c.Request.Context(), caller(c), id, service.EndpointInput{URL: req.URL, Events: req.Events, Description: req.Description, Enabled: req.Enabled})
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(e))
}

// delete godoc
//
//	@Summary		Delete a webhook endpoint
//	@ID				deleteWebhook
//	@Description	Removes the endpoint with its deliveries; nothing more is sent to it.
//	@Tags			webhooks
//	@Produce		application/problem+json
//	@Security		BearerAuth
//	@Param			id	path	int	true	"webhook id"	minimum(1)
//	@Success		204
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin; or an API key without webhooks:write"
//	@Failure		404	{object}	httpserver.Problem	"no such endpoint in the caller's corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/webhooks/{id} [delete]
func (h *Handler) delete(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	if err := h.svc.Delete(c.Request.Context(), caller(c), id); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
