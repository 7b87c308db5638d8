package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"vms/platform/httpserver"
)

// test godoc
//
//	@Summary		Send a test event
//	@ID				testWebhook
//	@Description	Sends a webhook.test event to the endpoint, enabled or not and whatever it subscribes to. The answer is the delivery, pending; its attempts show in GET /v1/webhooks/{id}/deliveries.
//	@Tags			webhooks
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"webhook id"	minimum(1)
//	@Success		202	{object}	DeliveryResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin; or an API key without webhooks:write"
//	@Failure		404	{object}	httpserver.Problem	"no such endpoint in the caller's corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/webhooks/{id}/test [post]
func (h *Handler) test(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	d, err := h.svc.Test(c.Request.Context(), caller(c), id)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, toDeliveryResponse(d))
}

// deliveries godoc
//
//	@Summary		List an endpoint's deliveries
//	@ID				listWebhookDeliveries
//	@Description	The endpoint's deliveries, newest first, with keyset pagination (Link header with rel="next"): per event, its id and type, the status, the number of attempts, the last attempt's HTTP status, duration and error, the next attempt's time, and every attempt. Finished deliveries are kept 30 days.
//	@Tags			webhooks
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			id		path		int		true	"webhook id"	minimum(1)
//	@Param			limit	query		int		false	"page size"	default(20)	minimum(1)	maximum(100)
//	@Param			cursor	query		string	false	"opaque cursor from the Link header (rel=next) of the previous page"	minLength(1)	maxLength(64)	pattern(^[A-Za-z0-9_-]+$)	extensions(x-example=aWQ6MjA)
//	@Success		200		{array}		DeliveryResponse
//	@Header			200		{string}	Link	"next page: <…>; rel=\"next\""
//	@Failure		400		{object}	httpserver.Problem	"id, limit or cursor is not valid"
//	@Failure		401		{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403		{object}	httpserver.Problem	"caller is not an admin; or an API key without webhooks:write"
//	@Failure		404		{object}	httpserver.Problem	"no such endpoint in the caller's corporation"
//	@Failure		503		{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/webhooks/{id}/deliveries [get]
func (h *Handler) deliveries(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	page, err := httpserver.ParsePage(c)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	// The cursor names the last delivery of the previous page; this page goes on below it.
	ds, err := h.svc.Deliveries(c.Request.Context(), caller(c), id, page.After, page.Limit)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	out := make([]DeliveryResponse, 0, len(ds))
	for _, d := range ds {
		out = append(out, toDeliveryResponse(d))
	}
	if len(ds) > 0 {
		httpserver.SetNextLink(c, page, len(ds), ds[len(ds)-1].ID)
	}
	c.JSON(http.StatusOK, out)
}

// retry godoc
//
//	@Summary		Retry a delivery
//	@ID				retryWebhookDelivery
//	@Description	Attempts a finished (succeeded or failed) delivery again at once, with the same event id and body; its attempts keep counting. The answer is the delivery, pending. 409 while it is still pending (it is retried on its own schedule) and when the endpoint is disabled (enable it first).
//	@Tags			webhooks
//	@Produce		json,application/problem+json
//	@Security		BearerAuth
//	@Param			id			path		int	true	"webhook id"	minimum(1)
//	@Param			delivery_id	path		int	true	"delivery id"	minimum(1)
//	@Success		202			{object}	DeliveryResponse
//	@Failure		400			{object}	httpserver.Problem	"an id is not a positive integer"
//	@Failure		401			{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403			{object}	httpserver.Problem	"caller is not an admin; or an API key without webhooks:write"
//	@Failure		404			{object}	httpserver.Problem	"no such endpoint in the caller's corporation, or no such delivery of it"
//	@Failure		409			{object}	httpserver.Problem	"the delivery is pending, or the endpoint is disabled"
//	@Failure		503			{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Router			/v1/webhooks/{id}/deliveries/{delivery_id}/retry [post]
func (h *Handler) retry(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	deliveryID, err := httpserver.PathID(c, "delivery_id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	d, err := h.svc.Retry(c.Request.Context(), caller(c), id, deliveryID)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, toDeliveryResponse(d))
}
