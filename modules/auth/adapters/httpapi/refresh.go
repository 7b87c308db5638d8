package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"vms/platform/httpserver"
	"vms/platform/kind"
)

// refresh godoc
//
//	@Summary		Rotate a refresh token
//	@ID			refreshTokens
//	@Description	Spends the refresh token and returns a new pair. Presenting a token that was already spent revokes every token descended from the same sign-in.
//	@Tags			auth
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Param			body	body		refreshRequest	true	"the current refresh token"
//	@Success		200		{object}	TokenResponse
//	@Failure		400	{object}	httpserver.Problem	"malformed JSON, or a body that is not one JSON object"
//	@Failure		401	{object}	httpserver.Problem	"unknown, expired, revoked or reused refresh token"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"missing refresh_token"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/auth/refresh [post]
func (h *Handlers) refresh(c *gin.Context) {
	var req refreshRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	pair, err := h.svc.Refresh(c.Request.Context(), req.RefreshToken)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	writeTokens(c, toResponse(pair))
}

// logout godoc
//
//	@Summary		Sign out
//	@ID			logout
//	@Description	Revokes the given refresh token and every token of the same sign-in. A token that is unknown or belongs to another user is answered 401.
//	@Tags			auth
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			body	body	refreshRequest	true	"the refresh token to revoke"
//	@Success		204
//	@Failure		400	{object}	httpserver.Problem	"malformed JSON, or a body that is not one JSON object"
//	@Failure		401	{object}	httpserver.Problem	"not signed in, or not the caller's refresh token"
//	@Failure		403	{object}	httpserver.Problem	"an API key (this route is not open to keys)"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"missing refresh_token"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/auth/logout [post]
func (h *Handlers) logout(c *gin.Context) {
	caller, ok := httpserver.Caller(c)
	if !ok {
		httpserver.Fail(c, kind.New(kind.Unauthorized, "sign in first"))
		return
	}
	var req refreshRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	if err := h.svc.Logout(c.Request.Context(), caller, req.RefreshToken); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// logoutAll godoc
//
//	@Summary		Sign out everywhere
//	@ID			logoutAll
//	@Description	Revokes every refresh token of the caller, on every device. Access tokens already issued run to their expiry; a password change also refuses those at once.
//	@Tags			auth
//	@Produce		application/problem+json
//	@Security		BearerAuth
//	@Success		204
//	@Failure		401	{object}	httpserver.Problem	"not signed in"
//	@Failure		403	{object}	httpserver.Problem	"an API key (this route is not open to keys)"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/auth/logout-all [post]
func (h *Handlers) logoutAll(c *gin.Context) {
	caller, ok := httpserver.Caller(c)
	if !ok {
		httpserver.Fail(c, kind.New(kind.Unauthorized, "sign in first"))
		return
	}
	if err := h.svc.LogoutAll(c.Request.Context(), caller); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
