package httpapi

import (
	"net/http"
	"strings"

	"vms/modules/auth/service"
	"vms/platform/httpserver"
	"vms/platform/kind"
	"vms/platform/principal"
)

// Authenticator reads credentials off a request: "Authorization: Bearer <token>", or, for
// streams, a "?token=" playback token.
type Authenticator struct {
	auth *service.Authenticator
}

var _ httpserver.Authenticator = (*Authenticator)(nil)

// NewAuthenticator builds the request authenticator.
func NewAuthenticator(auth *service.Authenticator) *Authenticator {
	return &Authenticator{auth: auth}
}

// Authenticate resolves the caller. A request with an Authorization header that is not a
// Bearer token is refused rather than tried as anonymous.
func (a *Authenticator) Authenticate(r *http.Request, allowPlayback bool) (principal.Principal, error) {
	var cred service.Credentials
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return principal.Principal{}, kind.New(kind.Unauthorized, "Authorization must be a Bearer token")
		}
		cred.Bearer = strings.TrimSpace(token)
	}
	if allowPlayback {
		cred.Playback = r.URL.Query().Get("token")
	}
	return a.auth.Authenticate(r.Context(), cred, allowPlayback)
}
