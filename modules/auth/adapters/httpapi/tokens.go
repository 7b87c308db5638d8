package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"vms/platform/httpserver"
	"vms/platform/kind"
)

// listTokens godoc
//
//	@Summary		List a user's sessions
//	@ID			listSessions
//	@Description	Lists the refresh-token sessions of a user of the caller's corporation, oldest first, with keyset pagination (Link header with rel="next"). Only admins may call it; the tokens themselves are never shown.
//	@Tags			tokens
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			user_id	path		int		true	"user id"	minimum(1)
//	@Param			limit	query		int		false	"page size"	default(20)	minimum(1)	maximum(100)
//	@Param			cursor	query		string	false	"opaque cursor from the Link header (rel=next) of the previous page"	minLength(1)	maxLength(64)	pattern(^[A-Za-z0-9_-]+$)	extensions(x-example=aWQ6MjA)
//	@Success		200		{array}		SessionResponse
//	@Header			200		{string}	Link	"next page: <…>; rel=\"next\""
//	@Failure		400	{object}	httpserver.Problem	"user_id is not a positive integer, or limit or cursor is not valid"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin; or an API key (this route is not open to keys)"
//	@Failure		404	{object}	httpserver.Problem	"no such user in the caller's corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/tokens/{user_id} [get]
func (h *Handlers) listTokens(c *gin.Context) {
	caller, ok := httpserver.Caller(c)
	if !ok {
		httpserver.Fail(c, kind.New(kind.Unauthorized, "sign in first"))
		return
	}
	userID, err := httpserver.PathID(c, "user_id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	page, err := httpserver.ParsePage(c)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	list, err := h.svc.ListSessions(c.Request.Context(), caller, userID, page.After, page.Limit)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	out := make([]SessionResponse, 0, len(list))
	for _, s := range list {
		out = append(out, toSessionResponse(s))
	}
	if len(list) > 0 {
		httpserver.SetNextLink(c, page, len(list), list[len(list)-1].ID)
	}
	noStore(c)
	c.JSON(http.StatusOK, out)
}
