package httpserver

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"vms/platform/kind"
)

// Page is a keyset page request: items with an id greater than After, at most Limit.
type Page struct {
	Limit int
	After int64
}

// Default and largest page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// ParsePage reads ?limit= and ?cursor= from the query.
func ParsePage(c *gin.Context) (Page, error) {
	p := Page{Limit: DefaultLimit}
	if raw, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > MaxLimit {
			return p, kind.NewFields(kind.BadRequest, fmt.Sprintf("limit must be a whole number from 1 to %d", MaxLimit), map[string]string{"limit": fmt.Sprintf("must be from 1 to %d", MaxLimit)})
		}
		p.Limit = n
	}
	if raw, ok := c.GetQuery("cursor"); ok && raw != "" {
		after, err := DecodeCursor(raw)
		if err != nil {
			return p, kind.NewFields(kind.BadRequest, "cursor is not valid; use the Link header of the previous page", map[string]string{"cursor": "is not valid"})
		}
		p.After = after
	}
	return p, nil
}

// EncodeCursor makes an opaque cursor from the last id of a page.
func EncodeCursor(lastID int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(lastID, 10)))
}

// DecodeCursor reads a cursor made by EncodeCursor. Only the exact string EncodeCursor
// makes for an id is accepted (no leading zeros or sign, no stray base64 bits), so one
// page has one cursor; anything else is a bad request.
func DecodeCursor(s string) (int64, error) {
	bad := kind.New(kind.BadRequest, "bad cursor")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, bad
	}
	rest, ok := strings.CutPrefix(string(b), "id:")
	if !ok {
		return 0, bad
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id < 0 || EncodeCursor(id) != s {
		return 0, bad
	}
	return id, nil
}

// SetNextLink announces the next page when a full page came back. ids are the ids of the
// page's items, in order.
func SetNextLink(c *gin.Context, p Page, count int, lastID int64) {
	if count < p.Limit || count == 0 {
		return
	}
	q := c.Request.URL.Query()
	q.Set("cursor", EncodeCursor(lastID))
	q.Set("limit", strconv.Itoa(p.Limit))
	c.Header("Link", fmt.Sprintf("<%s?%s>; rel=\"next\"", c.Request.URL.Path, q.Encode()))
}
