// Package contract turns the Swagger 2 document swag generates into the OpenAPI 3 document
// the server also serves, and checks HTTP exchanges against that document.
package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
)

// ProblemMediaType is the media type of every error answer.
const ProblemMediaType = "application/problem+json"

// MultipartFormExtension is an operation extension of the Swagger 2 document naming the
// schema of a multipart/form-data body. Swagger 2 cannot give one operation both a JSON
// body and form fields, so the JSON body is documented with @Param and the form with
// this extension; the OpenAPI 3 document gives each media type its own schema.
const MultipartFormExtension = "x-multipart-form"

const problemRef = "#/components/schemas/httpserver.Problem"

// ToOpenAPI3 converts the Swagger 2 document swag generates to OpenAPI 3.0 and states what
// Swagger 2 cannot:
//   - an error answer is application/problem+json only, and a success answer never is
//     (Swagger 2 has one "produces" list per operation); multipart/byteranges is a 206 only;
//   - a multipart/form-data body has its own schema (MultipartFormExtension);
//   - a parameter's x-example is its example;
//   - every object schema of the components is closed (additionalProperties: false): the
//     server refuses unknown request fields with 422 and sends no field it does not
//     document.
//
// The result is validated (examples included) and indented, keys sorted, so that it is
// the same bytes for the same input.
func ToOpenAPI3(swagger2 []byte) ([]byte, error) {
	var doc2 openapi2.T
	if err := json.Unmarshal(swagger2, &doc2); err != nil {
		return nil, fmt.Errorf("read Swagger 2: %w", err)
	}
	doc3, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	for _, item := range doc3.Paths.Map() {
		for _, op := range item.Operations() {
			if err := refineOperation(op); err != nil {
				return nil, fmt.Errorf("%s: %w", op.OperationID, err)
			}
		}
	}
	for _, s := range doc3.Components.Schemas {
		closeObjects(s)
	}
	if err := doc3.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the OpenAPI 3 document is invalid: %w", err)
	}
	out, err := json.MarshalIndent(doc3, "", "    ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func refineOperation(op *openapi3.Operation) error {
	for _, p := range op.Parameters {
		// Swagger 2 has no parameter examples, so the annotations give x-example (swag
		// writes it as a string: only string parameters have one); OpenAPI 3 has example.
		if v, ok := p.Value.Extensions["x-example"]; ok {
			p.Value.Example = v
			delete(p.Value.Extensions, "x-example")
		}
	}
	for status, res := range op.Responses.Map() {
		if res.Value == nil || len(res.Value.Content) == 0 {
			continue
		}
		isProblem := false
		for _, mt := range res.Value.Content {
			if mt.Schema != nil && mt.Schema.Ref == problemRef {
				isProblem = true
			}
		}
		for name := range res.Value.Content {
			// multipart/byteranges answers a request for several ranges: 206 only.
			if (name == ProblemMediaType) != isProblem || name == "multipart/byteranges" && status != "206" {
				delete(res.Value.Content, name)
			}
		}
		if len(res.Value.Content) == 0 {
			return fmt.Errorf("a response lost every media type; check @Produce")
		}
	}
	raw, ok := op.Extensions[MultipartFormExtension]
	if !ok {
		return nil
	}
	delete(op.Extensions, MultipartFormExtension)
	if op.RequestBody == nil || op.RequestBody.Value == nil || op.RequestBody.Value.Content["multipart/form-data"] == nil {
		return fmt.Errorf("%s without a multipart/form-data body (add it to @Accept)", MultipartFormExtension)
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	var form openapi3.Schema
	if err := json.Unmarshal(b, &form); err != nil {
		return fmt.Errorf("%s: %w", MultipartFormExtension, err)
	}
	op.RequestBody.Value.Content["multipart/form-data"] = openapi3.NewMediaType().WithSchema(&form)
	return nil
}

// closeObjects sets additionalProperties: false on every object schema with properties,
// nested ones included, unless the schema says otherwise.
func closeObjects(ref *openapi3.SchemaRef) {
	if ref == nil || ref.Ref != "" || ref.Value == nil {
		return
	}
	s := ref.Value
	if s.Type.Is(openapi3.TypeObject) && len(s.Properties) > 0 &&
		s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
		no := false
		s.AdditionalProperties.Has = &no
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		closeObjects(s.Properties[name])
	}
	closeObjects(s.Items)
	for _, sub := range slices.Concat(s.AllOf, s.AnyOf, s.OneOf) {
		closeObjects(sub)
	}
}
