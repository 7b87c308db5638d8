package httpserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"vms/platform/kind"
)

// MaxJSONBody is the largest JSON request body accepted.
const MaxJSONBody = 1 << 20

// BindJSON decodes the request body into dst strictly: one JSON object, no unknown
// fields, right types, at most MaxJSONBody bytes. The error it returns maps to 400, 413
// or 422.
func BindJSON(c *gin.Context, dst any) error {
	ct := c.ContentType()
	if ct != "" && ct != "application/json" && !strings.HasSuffix(ct, "+json") {
		return kind.New(kind.UnsupportedMedia, "request body must be application/json")
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, MaxJSONBody)
	raw, err := io.ReadAll(body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return kind.New(kind.TooLarge, fmt.Sprintf("request body is larger than %d bytes", MaxJSONBody))
		}
		return kind.New(kind.BadRequest, "cannot read request body")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return kind.New(kind.BadRequest, "request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return kind.New(kind.BadRequest, "request body must hold exactly one JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return kind.New(kind.BadRequest, "request body must hold exactly one JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return kind.New(kind.BadRequest, "request body must be a JSON object")
		}
		return kind.NewFields(kind.Invalid, "request has invalid fields", map[string]string{field: "must be a " + jsonType(typeErr.Type.Kind().String())})
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return kind.New(kind.BadRequest, "request body is not valid JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return kind.NewFields(kind.Invalid, "request has unknown fields", map[string]string{name: "is not a known field"})
	default:
		return kind.New(kind.BadRequest, "request body is not valid JSON")
	}
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "number"
	case kind == "bool":
		return "boolean"
	case kind == "struct", kind == "map":
		return "object"
	case kind == "slice", kind == "array":
		return "array"
	default:
		return "string"
	}
}

// PathID reads a positive integer path parameter; anything else is a 400 problem.
func PathID(c *gin.Context, name string) (int64, error) {
	return ParseID(c.Param(name), name)
}

// ParseID reads a positive integer id.
func ParseID(raw, name string) (int64, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, kind.NewFields(kind.BadRequest, name+" must be a positive integer", map[string]string{name: "must be a positive integer"})
	}
	return id, nil
}
