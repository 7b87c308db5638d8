package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"vms/modules/corporation/domain"
	"vms/modules/corporation/service"
	"vms/platform/httpserver"
	"vms/platform/kind"
)

// Handler serves /v1/corporations.
type Handler struct {
	svc   *service.Service
	guard *httpserver.Guard
}

var _ httpserver.Registrar = (*Handler)(nil)

// New builds the handler.
func New(svc *service.Service, guard *httpserver.Guard) *Handler {
	return &Handler{svc: svc, guard: guard}
}

// Register adds the routes.
func (h *Handler) Register(r gin.IRouter) {
	signed := h.guard.Required()
	g := r.Group("/v1/corporations")
	g.POST("", h.signUp)
	g.GET("", signed, h.list)
	g.GET("/id/:id", signed, h.getByID)
	g.GET("/:name", signed, h.getByName)
	g.PUT("/:id", h.guard.Required(), h.update)
	g.DELETE("/:id", h.guard.Required(), h.delete)
}

func invalid(fields map[string]string) error {
	return kind.NewFields(kind.Invalid, "request has missing fields", fields)
}

// signUp godoc
//
//	@Summary		Sign up a corporation with its first admin
//	@ID			signUp
//	@Description	Creates the corporation and its admin user in one transaction.
//	@Tags			corporations
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Param			body	body		SignUpRequest	true	"corporation and admin"
//	@Success		201		{object}	CorporationResponse
//	@Failure		400	{object}	httpserver.Problem	"malformed JSON, or a body that is not one JSON object"
//	@Failure		409	{object}	httpserver.Problem	"name or admin e-mail taken"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"missing or invalid fields, named in errors"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/corporations [post]
func (h *Handler) signUp(c *gin.Context) {
	var req SignUpRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	miss := required{}
	in := service.SignUp{
		Details: domain.DetailsInput{
			Name:          miss.need("name", req.Name),
			PlanType:      miss.need("plan_type", req.PlanType),
			PlanExpiredAt: req.PlanExpiredAt,
		},
		AdminEmail:    miss.need("admin_email", req.AdminEmail),
		AdminPassword: miss.need("admin_password", req.AdminPassword),
	}
	if len(miss) > 0 {
		httpserver.Fail(c, invalid(miss))
		return
	}
	corp, err := h.svc.SignUp(c.Request.Context(), in)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Header("Location", "/v1/corporations/id/"+itoa(corp.ID))
	c.JSON(http.StatusCreated, toResponse(corp, h.svc.Now()))
}

// list godoc
//
//	@Summary		List corporations
//	@Description	The caller's own corporation, as an array of one: a tenant never sees another.
//	@ID			listCorporations
//	@Tags		corporations
//	@Produce		json,application/problem+json
//	@Param		limit	query		int		false	"page size"	default(20)	minimum(1)	maximum(100)
//	@Param		cursor	query		string	false	"opaque cursor from the Link header (rel=next) of the previous page"	minLength(1)	maxLength(64)	pattern(^[A-Za-z0-9_-]+$)	extensions(x-example=aWQ6MjA)
//	@Success	200		{array}		CorporationResponse
//	@Header		200		{string}	Link	"next page: <…>; rel=\"next\""
//	@Failure		400	{object}	httpserver.Problem	"limit or cursor is not valid"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"an API key (this route is not open to keys)"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/corporations [get]
func (h *Handler) list(c *gin.Context) {
	page, err := httpserver.ParsePage(c)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	caller, _ := httpserver.Caller(c)
	cs, err := h.svc.List(c.Request.Context(), caller, page.After)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	if len(cs) > 0 {
		httpserver.SetNextLink(c, page, len(cs), cs[len(cs)-1].ID)
	}
	c.JSON(http.StatusOK, toResponses(cs, h.svc.Now()))
}

// getByID godoc
//
//	@Summary		Get a corporation by id
//	@Description	Only the caller's own corporation; any other id answers 404.
//	@ID			getCorporation
//	@Tags		corporations
//	@Produce		json,application/problem+json
//	@Param		id	path		int	true	"corporation id"	minimum(1)
//	@Success	200	{object}	CorporationResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"an API key (this route is not open to keys)"
//	@Failure		404	{object}	httpserver.Problem	"not the caller's corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/corporations/id/{id} [get]
func (h *Handler) getByID(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	caller, _ := httpserver.Caller(c)
	corp, err := h.svc.Get(c.Request.Context(), caller, id)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(corp, h.svc.Now()))
}

// getByName godoc
//
//	@Summary		Get a corporation by name
//	@ID			getCorporationByName
//	@Description	Only the caller's own corporation; the name is matched ignoring letter case, and any other name answers 404.
//	@Tags		corporations
//	@Produce		json,application/problem+json
//	@Param		corporation	path		string	true	"corporation name (case-insensitive)"	minLength(1)	maxLength(100)	extensions(x-example=Acme)
//	@Success	200		{object}	CorporationResponse
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"an API key (this route is not open to keys)"
//	@Failure		404	{object}	httpserver.Problem	"not the caller's corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router		/v1/corporations/{corporation} [get]
func (h *Handler) getByName(c *gin.Context) {
	caller, _ := httpserver.Caller(c)
	corp, err := h.svc.GetByName(c.Request.Context(), caller, c.Param("name"))
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(corp, h.svc.Now()))
}

// update godoc
//
//	@Summary		Update a corporation
//	@ID			updateCorporation
//	@Description	Replaces name and plan. Only an admin of the corporation may: 403 for anyone else, 404 for an unknown or deleted id.
//	@Tags			corporations
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			corporation	path		int				true	"corporation id"	minimum(1)
//	@Param			body	body		UpdateCorporationRequest	true	"new details"
//	@Success		200		{object}	CorporationResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer, or malformed JSON"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin of this corporation; or an API key (this route is not open to keys)"
//	@Failure		404	{object}	httpserver.Problem	"no such corporation"
//	@Failure		409	{object}	httpserver.Problem	"name taken"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"missing or invalid fields, named in errors"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/corporations/{corporation} [put]
func (h *Handler) update(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	var req UpdateCorporationRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	miss := required{}
	in := domain.DetailsInput{Name: miss.need("name", req.Name), PlanType: miss.need("plan_type", req.PlanType), PlanExpiredAt: req.PlanExpiredAt}
	if len(miss) > 0 {
		httpserver.Fail(c, invalid(miss))
		return
	}
	caller, _ := httpserver.Caller(c)
	corp, err := h.svc.Update(c.Request.Context(), caller, id, in)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(corp, h.svc.Now()))
}

// delete godoc
//
//	@Summary		Delete a corporation
//	@ID			deleteCorporation
//	@Description	Soft-deletes the corporation; its users can no longer sign in. Only an admin of it may.
//	@Tags			corporations
//	@Produce		application/problem+json
//	@Security		BearerAuth
//	@Param			corporation	path	int	true	"corporation id"	minimum(1)
//	@Success		204
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin of this corporation; or an API key (this route is not open to keys)"
//	@Failure		404	{object}	httpserver.Problem	"no such corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/corporations/{corporation} [delete]
func (h *Handler) delete(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	caller, _ := httpserver.Caller(c)
	if err := h.svc.Delete(c.Request.Context(), caller, id); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
