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
//	@Description	A browser that signed in with "cookie": true sends {} and the X-Requested-With header: the token comes from the vms_refresh cookie, the new one goes back into it (not into the body), and a refused cookie is cleared. A refresh_token in the body takes precedence over the cookie.
//	@Tags			auth
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Param			body				body		refreshRequest	true	"the current refresh token, or {} to use the vms_refresh cookie"
//	@Param			X-Requested-With	header		string			false	"required when the token comes from the cookie (CSRF protection); any value"	minLength(1)	maxLength(64)	extensions(x-example=vms-console)
//	@Success		200					{object}	TokenResponse
//	@Header			200					{string}	Set-Cookie	"with the cookie, its successor: vms_refresh=<refresh token>; Path=/v1/auth; Max-Age=1209600; HttpOnly; SameSite=Strict (and Secure over https)"
//	@Failure		400	{object}	httpserver.Problem	"malformed JSON, or a body that is not one JSON object"
//	@Failure		401	{object}	httpserver.Problem	"unknown, expired, revoked or reused refresh token (a cookie that held it is cleared)"
//	@Failure		403	{object}	httpserver.Problem	"the token would come from the cookie, but the X-Requested-With header is missing"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"no refresh_token in the body and no vms_refresh cookie"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/auth/refresh [post]
func (h *Handlers) refresh(c *gin.Context) {
	var req refreshRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	token, viaCookie, err := h.presentedToken(c, req)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	pair, err := h.svc.Refresh(c.Request.Context(), token)
	if err != nil {
		if viaCookie && kind.Of(err) == kind.Unauthorized {
			h.clearRefreshCookie(c)
		}
		httpserver.Fail(c, err)
		return
	}
	resp := toResponse(pair)
	if viaCookie {
		h.setRefreshCookie(c, pair.RefreshToken)
		resp.RefreshToken = ""
	}
	writeTokens(c, resp)
}

// presentedToken is the refresh token of the body or, when the body has none, of the
// cookie, which needs the CSRF header. "" (answered 422) when there is neither.
func (h *Handlers) presentedToken(c *gin.Context, req refreshRequest) (token string, viaCookie bool, err error) {
	if req.RefreshToken != "" {
		return req.RefreshToken, false, nil
	}
	ck := cookieToken(c)
	if ck == "" {
		return "", false, nil
	}
	if err := requireCSRFHeader(c); err != nil {
		return "", false, err
	}
	return ck, true, nil
}

// logout godoc
//
//	@Summary		Sign out
//	@ID			logout
//	@Description	Revokes the given refresh token and every token of the same sign-in. A token that is unknown or belongs to another user is answered 401.
//	@Description	A browser that signed in with "cookie": true sends {} and the X-Requested-With header: the token comes from the vms_refresh cookie, which the answer clears.
//	@Tags			auth
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			body				body	refreshRequest	true	"the refresh token to revoke, or {} to use the vms_refresh cookie"
//	@Param			X-Requested-With	header	string			false	"required when the token comes from the cookie (CSRF protection); any value"	minLength(1)	maxLength(64)	extensions(x-example=vms-console)
//	@Success		204
//	@Header			204	{string}	Set-Cookie	"with the cookie: vms_refresh=; Path=/v1/auth; Max-Age=0 (cleared)"
//	@Failure		400	{object}	httpserver.Problem	"malformed JSON, or a body that is not one JSON object"
//	@Failure		401	{object}	httpserver.Problem	"not signed in, or not the caller's refresh token"
//	@Failure		403	{object}	httpserver.Problem	"the token would come from the cookie but the X-Requested-With header is missing, or the caller is an API key (this route is not open to keys)"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"no refresh_token in the body and no vms_refresh cookie"
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
	token, viaCookie, err := h.presentedToken(c, req)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	if viaCookie {
		// Signing out ends this browser's session whatever the server thinks of the token.
		h.clearRefreshCookie(c)
	}
	if err := h.svc.Logout(c.Request.Context(), caller, token); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// logoutAll godoc
//
//	@Summary		Sign out everywhere
//	@ID			logoutAll
//	@Description	Revokes every refresh token of the caller, on every device. Access tokens already issued run to their expiry; a password change also refuses those at once. A vms_refresh cookie sent along is cleared.
//	@Tags			auth
//	@Produce		application/problem+json
//	@Security		BearerAuth
//	@Success		204
//	@Header			204	{string}	Set-Cookie	"when the request carried the cookie: vms_refresh=; Path=/v1/auth; Max-Age=0 (cleared)"
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
	if cookieToken(c) != "" {
		h.clearRefreshCookie(c)
	}
	c.Status(http.StatusNoContent)
}
