package kind

import (
	"errors"
	"fmt"
	"testing"
)

type retryErr struct{}

func (retryErr) Error() string { return "slow down" }
func (retryErr) Kind() Kind    { return RateLimited }

func TestOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Kind
	}{
		{"nil", nil, Internal},
		{"plain", errors.New("boom"), Internal},
		{"sentinel", New(NotFound, "video not found"), NotFound},
		{"wrapped", fmt.Errorf("restore video: %w", New(Forbidden, "no")), Forbidden},
		{"wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", New(Conflict, "taken"))), Conflict},
		{"joined", errors.Join(errors.New("x"), New(TooLarge, "big")), TooLarge},
		{"own type", fmt.Errorf("login: %w", retryErr{}), RateLimited},
		{"validation", InvalidField("name", "is required"), Invalid},
		{"validation of another kind", NewFields(BadRequest, "bad limit", map[string]string{"limit": "x"}), BadRequest},
		{"zero validation", &ValidationError{Fields: map[string]string{"a": "b"}}, Invalid},
		{"outermost kind wins", fmt.Errorf("%w: %w", New(BadGateway, "a"), New(NotFound, "b")), BadGateway},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Of(tt.err); got != tt.want {
				t.Errorf("Of(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestString(t *testing.T) {
	tests := map[Kind]string{
		Internal: "internal", BadRequest: "bad_request", Invalid: "invalid", Unauthorized: "unauthorized",
		Forbidden: "forbidden", NotFound: "not_found", Conflict: "conflict", TooLarge: "too_large",
		UnsupportedMedia: "unsupported_media_type", RangeNotSatisfiable: "range_not_satisfiable",
		RateLimited: "rate_limited", BadGateway: "bad_gateway", Unavailable: "unavailable", Kind(200): "kind(200)",
	}
	for k, want := range tests {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", uint8(k), got, want)
		}
	}
}

func TestErrorsAreComparableSentinels(t *testing.T) {
	errNotFound := New(NotFound, "video not found")
	err := fmt.Errorf("get: %w", errNotFound)
	if !errors.Is(err, errNotFound) || errors.Is(err, New(NotFound, "video not found")) {
		t.Error("errors.Is must match the sentinel itself and nothing else")
	}
	if errNotFound.Error() != "video not found" || errNotFound.Kind() != NotFound {
		t.Errorf("got %q of kind %v", errNotFound.Error(), errNotFound.Kind())
	}
}

func TestValidationError(t *testing.T) {
	two := map[string]string{"name": "must not be empty", "file": "is required"}
	tests := []struct {
		name   string
		err    *ValidationError
		text   string
		kind   Kind
		fields int
	}{
		{"one field", InvalidField("name", "is required"), "request has invalid fields", Invalid, 1},
		{"about a subject", InvalidFields(two).About("video"), "invalid video: file is required; name must not be empty", Invalid, 2},
		{"own detail", NewFields(BadRequest, "limit must be a whole number", map[string]string{"limit": "must be from 1 to 100"}), "limit must be a whole number", BadRequest, 1},
		{"detail wins over subject", NewFields(Invalid, "request has missing fields", two).About("user"), "request has missing fields", Invalid, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.text {
				t.Errorf("Error() = %q, want %q", got, tt.text)
			}
			if got := tt.err.Kind(); got != tt.kind {
				t.Errorf("Kind() = %v, want %v", got, tt.kind)
			}
			if got := len(tt.err.FieldErrors()); got != tt.fields {
				t.Errorf("FieldErrors() has %d fields, want %d", got, tt.fields)
			}
		})
	}
}

func TestAboutLeavesTheOriginalAlone(t *testing.T) {
	base := InvalidField("name", "is required")
	_ = base.About("video")
	if base.Error() != "request has invalid fields" {
		t.Errorf("About changed its receiver: %q", base.Error())
	}
	if got := InvalidFields(map[string]string{"b": "x", "a": "y"}).Names(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("Names() = %v, want [a b]", got)
	}
}

func TestNamedFields(t *testing.T) {
	e := NamedFields("user", map[string]string{"password": "must be 8 to 72 bytes", "email": "must be an e-mail address"})
	if e.Error() != "invalid user: email, password" || e.Kind() != Invalid || Of(e) != Invalid {
		t.Fatalf("%q kind %v", e.Error(), e.Kind())
	}
	if e.Fields["email"] != "must be an e-mail address" || len(e.FieldErrors()) != 2 {
		t.Fatalf("fields %v", e.Fields)
	}
}
