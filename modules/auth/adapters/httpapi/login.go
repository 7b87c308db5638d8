package httpapi

import (
	"github.com/gin-gonic/gin"

	"vms/platform/httpserver"
)

// login godoc
//
//	@Summary		Sign in
//	@ID			login
//	@Description	Exchanges an e-mail and password for an access token and a refresh token. An unknown e-mail and a wrong password get the same 401. Failed attempts are limited per e-mail (5 in 15 minutes) and per client IP (20 in 15 minutes); beyond that the answer is 429 with Retry-After.
//	@Description	With "cookie": true (for browsers, e.g. the web console) the refresh token is not in the body: it is set as the cookie vms_refresh, HttpOnly (scripts cannot read it), SameSite=Strict, Path=/v1/auth, Max-Age the refresh lifetime, and Secure when the request came over https (TLS, or X-Forwarded-Proto: https from the proxy) or APP_ENV=production. POST /v1/auth/refresh and /v1/auth/logout then take {} and use the cookie. Such a request must carry the X-Requested-With header (any value; 403 without it): a cross-site form cannot send it, and a cross-origin script would need a CORS preflight, which these routes never grant.
//	@Tags			auth
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Param			body				body		loginRequest	true	"credentials"
//	@Param			X-Requested-With	header		string			false	"required with cookie: true (CSRF protection); any value"	minLength(1)	maxLength(64)	extensions(x-example=vms-console)
//	@Success		200					{object}	TokenResponse
//	@Header			200					{string}	Set-Cookie	"with cookie: true, vms_refresh=<refresh token>; Path=/v1/auth; Max-Age=1209600; HttpOnly; SameSite=Strict (and Secure over https)"
//	@Failure		400	{object}	httpserver.Problem	"malformed JSON, or a body that is not one JSON object"
//	@Failure		401	{object}	httpserver.Problem	"unknown e-mail or wrong password (the same answer for both)"
//	@Failure		403	{object}	httpserver.Problem	"cookie: true without the X-Requested-With header"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"missing or invalid fields, named in errors"
//	@Failure		429	{object}	httpserver.Problem	"too many failed attempts for this e-mail or client IP; see Retry-After"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Header			429	{integer}	Retry-After	"seconds until the next attempt is accepted"
//	@Router			/v1/auth/login [post]
func (h *Handlers) login(c *gin.Context) {
	var req loginRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	if req.Cookie {
		// Checked before the password, so a refused request never counts as a failed login.
		if err := requireCSRFHeader(c); err != nil {
			httpserver.Fail(c, err)
			return
		}
	}
	pair, err := h.svc.Login(c.Request.Context(), req.Email, req.Password, c.ClientIP())
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	resp := toResponse(pair)
	if req.Cookie {
		h.setRefreshCookie(c, pair.RefreshToken)
		resp.RefreshToken = ""
	}
	writeTokens(c, resp)
}
