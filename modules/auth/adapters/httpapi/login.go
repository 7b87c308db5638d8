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
//	@Tags			auth
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Param			body	body		loginRequest	true	"credentials"
//	@Success		200		{object}	TokenResponse
//	@Failure		400	{object}	httpserver.Problem	"malformed JSON, or a body that is not one JSON object"
//	@Failure		401	{object}	httpserver.Problem	"unknown e-mail or wrong password (the same answer for both)"
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
	pair, err := h.svc.Login(c.Request.Context(), req.Email, req.Password, c.ClientIP())
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	writeTokens(c, toResponse(pair))
}
