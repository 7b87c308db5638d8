package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"vms/modules/user/service"
	"vms/platform/httpserver"
	"vms/platform/kind"
	"vms/platform/principal"
)

// Handler serves /v1/users and /v1/auth/me. Every route needs a signed-in caller.
type Handler struct {
	svc   *service.Service
	guard *httpserver.Guard
}

var _ httpserver.Registrar = (*Handler)(nil)

// New builds the handler.
func New(svc *service.Service, guard *httpserver.Guard) *Handler {
	return &Handler{svc: svc, guard: guard}
}

// Register adds the routes. API keys may read users with users:read and change them with
// users:write; /v1/auth/me is a user's own.
func (h *Handler) Register(r gin.IRouter) {
	read, write := h.guard.Required(principal.UsersRead), h.guard.Required(principal.UsersWrite)
	g := r.Group("/v1/users")
	g.POST("", write, h.create)
	g.GET("", read, h.list)
	g.GET("/id/:id", read, h.getByID)
	g.GET("/:email", read, h.getByEmail)
	g.PUT("/:id", write, h.update)
	g.DELETE("/:id", write, h.delete)
	r.GET("/v1/auth/me", h.guard.Required(), h.me)
}

func caller(c *gin.Context) principal.Principal {
	p, _ := httpserver.Caller(c)
	return p
}

// create godoc
//
//	@Summary		Create a user
//	@ID			createUser
//	@Description	Adds a user to the signed-in admin's corporation.
//	@Tags			users
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			body	body		CreateUserRequest	true	"the new user"
//	@Success		201		{object}	UserResponse
//	@Failure		400	{object}	httpserver.Problem	"malformed JSON, or a body that is not one JSON object"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin; or an API key without users:write"
//	@Failure		409	{object}	httpserver.Problem	"e-mail taken"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"missing or invalid fields, named in errors"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/users [post]
func (h *Handler) create(c *gin.Context) {
	var req CreateUserRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	missing := map[string]string{}
	need := func(name string, v *string) string {
		if v == nil {
			missing[name] = "is required"
			return ""
		}
		return *v
	}
	in := service.NewUserInput{Email: need("email", req.Email), Password: need("password", req.Password), Role: need("role", req.Role)}
	if len(missing) > 0 {
		httpserver.Fail(c, kind.NewFields(kind.Invalid, "request has missing fields", missing))
		return
	}
	u, err := h.svc.Create(c.Request.Context(), caller(c), in)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Header("Location", "/v1/users/id/"+strconv.FormatInt(u.ID, 10))
	c.JSON(http.StatusCreated, toResponse(u))
}

// list godoc
//
//	@Summary	List the users of your corporation
//	@Description	Users of the caller's corporation, oldest first, with keyset pagination (Link header with rel="next"). Admins only.
//	@ID			listUsers
//	@Tags		users
//	@Produce		json,application/problem+json
//	@Security	BearerAuth
//	@Param		limit	query		int		false	"page size"	default(20)	minimum(1)	maximum(100)
//	@Param		cursor	query		string	false	"opaque cursor from the Link header (rel=next) of the previous page"	minLength(1)	maxLength(64)	pattern(^[A-Za-z0-9_-]+$)	extensions(x-example=aWQ6MjA)
//	@Success	200		{array}		UserResponse
//	@Header		200		{string}	Link	"next page: <…>; rel=\"next\""
//	@Failure		400	{object}	httpserver.Problem	"limit or cursor is not valid"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin; or an API key without users:read"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router		/v1/users [get]
func (h *Handler) list(c *gin.Context) {
	page, err := httpserver.ParsePage(c)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	us, err := h.svc.List(c.Request.Context(), caller(c), page.After, page.Limit)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	if len(us) > 0 {
		httpserver.SetNextLink(c, page, len(us), us[len(us)-1].ID)
	}
	c.JSON(http.StatusOK, toResponses(us))
}

// getByID godoc
//
//	@Summary		Get a user by id
//	@ID			getUser
//	@Description	Yourself, or any user of your corporation if you are its admin; anyone else is 404.
//	@Tags			users
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"user id"	minimum(1)
//	@Success		200	{object}	UserResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"an API key without users:read"
//	@Failure		404	{object}	httpserver.Problem	"no such user among those the caller may see"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/users/id/{id} [get]
func (h *Handler) getByID(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	u, err := h.svc.Get(c.Request.Context(), caller(c), id)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(u))
}

// getByEmail godoc
//
//	@Summary		Get a user by e-mail
//	@ID			getUserByEmail
//	@Description	Yourself, or any user of your corporation if you are its admin; anyone else is 404. The e-mail is matched ignoring letter case.
//	@Tags			users
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			user	path		string	true	"e-mail address of the user (case-insensitive)"	minLength(3)	maxLength(254)	extensions(x-example=guest@acme.example)
//	@Success		200		{object}	UserResponse
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"an API key without users:read"
//	@Failure		404	{object}	httpserver.Problem	"no such user among those the caller may see"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/users/{user} [get]
func (h *Handler) getByEmail(c *gin.Context) {
	u, err := h.svc.GetByEmail(c.Request.Context(), caller(c), c.Param("email"))
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(u))
}

// update godoc
//
//	@Summary		Change a user's password or role
//	@ID			updateUser
//	@Description	You may change your own password, given your current one in current_password; an admin may change the password and role of the corporation's other users without it. A guest sending a role, or anyone changing their own role, gets 403; a user you may not see is 404. A new password ends every session of the user: their refresh tokens are revoked, and access and playback tokens issued before the change are refused.
//	@Tags			users
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			user	path		int				true	"user id"	minimum(1)
//	@Param			body	body		UpdateUserRequest	true	"the changes"
//	@Success		200		{object}	UserResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer, or malformed JSON"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"only an admin changes roles, nobody changes their own role, or current_password is wrong; or an API key without users:write"
//	@Failure		404	{object}	httpserver.Problem	"no such user among those the caller may see"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"invalid fields, or current_password missing from a change of your own password, named in errors"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/users/{user} [put]
func (h *Handler) update(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	var req UpdateUserRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	u, err := h.svc.Update(c.Request.Context(), caller(c), id, service.UpdateInput{Password: req.Password, CurrentPassword: req.CurrentPassword, Role: req.Role})
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(u))
}

// delete godoc
//
//	@Summary		Delete a user
//	@ID			deleteUser
//	@Description	Soft-deletes the user and ends their sessions. Yourself, or a user of your corporation if you are its admin.
//	@Tags			users
//	@Produce		application/problem+json
//	@Security		BearerAuth
//	@Param			user	path	int	true	"user id"	minimum(1)
//	@Success		204
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller may not delete this user; or an API key without users:write"
//	@Failure		404	{object}	httpserver.Problem	"no such user among those the caller may see"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/users/{user} [delete]
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

// me godoc
//
//	@Summary	The signed-in user
//	@Description	The signed-in user, with the points earned so far.
//	@ID			getCurrentUser
//	@Tags		auth
//	@Produce		json,application/problem+json
//	@Security	BearerAuth
//	@Success	200	{object}	UserResponse
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"an API key (this route is not open to keys)"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router		/v1/auth/me [get]
func (h *Handler) me(c *gin.Context) {
	u, err := h.svc.Me(c.Request.Context(), caller(c))
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(u))
}
