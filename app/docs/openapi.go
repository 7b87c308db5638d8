package docs

import _ "embed"

// OpenAPI3 is openapi.json: the OpenAPI 3 form of swagger.json, written by `make swag`
// (app/contract converts it) and served at /docs/openapi.json.
//
//go:embed openapi.json
var OpenAPI3 []byte
