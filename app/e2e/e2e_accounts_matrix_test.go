package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"vms/app/apptest"
)

// acctActor is one column of the authorization matrix.
type acctActor int

const (
	anonymous acctActor = iota
	guestOfA
	adminOfA
	adminOfB
	// API keys of corporation A: one with users:read, one with users:write, and one with
	// every other scope.
	keyUsersRead
	keyUsersWrite
	keyOtherScopes
	acctActors
)

var acctActorNames = [acctActors]string{"anonymous", "guest", "admin", "other admin", "key with users:read", "key with users:write", "key with every other scope"}

// acctWorld is the fixture the matrix runs against: corporation A with an admin, a
// guest and three API keys, and corporation B with an admin.
type acctWorld struct {
	a            *apptest.App
	corpA        int64
	corpAName    string
	admin, guest acctUser
	tokens       [acctActors]string
	guestChain   string
	seq          int
}

func (w *acctWorld) next() int { w.seq++; return w.seq }

// acctRoute is one row: a request built per actor and the status each actor must get:
// want for the users, keys for the keys (users:read, users:write, every other scope). A
// row whose keys are all 0 is not sent as keys; another row covers what it would do.
type acctRoute struct {
	name    string
	request func(t *testing.T, w *acctWorld) (method, path string, body any)
	want    [4]int
	keys    [3]int
}

// status is the status the actor must get, and whether the row is sent as that actor.
func (r acctRoute) status(who acctActor) (int, bool) {
	if who < keyUsersRead {
		return r.want[who], true
	}
	return r.keys[who-keyUsersRead], r.keys != [3]int{}
}

func acctRoutes() []acctRoute {
	fixed := func(method, path string, body any) func(*testing.T, *acctWorld) (string, string, any) {
		return func(*testing.T, *acctWorld) (string, string, any) { return method, path, body }
	}
	return []acctRoute{
		{"login", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "POST", "/v1/auth/login", map[string]string{"email": w.guest.Email, "password": acctGuestPW}
		}, [4]int{200, 200, 200, 200}, [3]int{200, 200, 200}},
		{"refresh", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "POST", "/v1/auth/refresh", map[string]string{"refresh_token": w.guestChain}
		}, [4]int{200, 200, 200, 200}, [3]int{200, 200, 200}},
		{"logout the guest's token", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "POST", "/v1/auth/logout", map[string]string{"refresh_token": acctLogin(t, w.a, w.guest.Email, acctGuestPW).RefreshToken}
		}, [4]int{401, 204, 401, 401}, [3]int{403, 403, 403}},
		{"logout everywhere", fixed("POST", "/v1/auth/logout-all", nil), [4]int{401, 204, 204, 204}, [3]int{403, 403, 403}},
		{"me", fixed("GET", "/v1/auth/me", nil), [4]int{401, 200, 200, 200}, [3]int{403, 403, 403}},
		{"sign up", func(t *testing.T, w *acctWorld) (string, string, any) {
			n := w.next()
			return "POST", "/v1/corporations", map[string]any{"name": fmt.Sprintf("Signup %d", n), "plan_type": "FREE", "admin_email": fmt.Sprintf("signup%d@example.com", n), "admin_password": acctAdminPW}
		}, [4]int{201, 201, 201, 201}, [3]int{201, 201, 201}},
		{"list corporations", fixed("GET", "/v1/corporations", nil), [4]int{401, 200, 200, 200}, [3]int{403, 403, 403}},
		{"corporation by id", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "GET", fmt.Sprintf("/v1/corporations/id/%d", w.corpA), nil
		}, [4]int{401, 200, 200, 404}, [3]int{403, 403, 403}},
		{"corporation by name", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "GET", "/v1/corporations/" + w.corpAName, nil
		}, [4]int{401, 200, 200, 404}, [3]int{403, 403, 403}},
		{"update corporation", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "PUT", fmt.Sprintf("/v1/corporations/%d", w.corpA), map[string]any{"name": w.corpAName, "plan_type": "FREE"}
		}, [4]int{401, 403, 200, 403}, [3]int{403, 403, 403}},
		{"create user", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "POST", "/v1/users", map[string]string{"email": fmt.Sprintf("new%d@example.com", w.next()), "password": acctGuestPW, "role": "guest"}
		}, [4]int{401, 403, 201, 201}, [3]int{403, 201, 403}},
		{"list users", fixed("GET", "/v1/users", nil), [4]int{401, 403, 200, 200}, [3]int{200, 403, 403}},
		{"user by e-mail", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "GET", "/v1/users/" + w.guest.Email, nil
		}, [4]int{401, 200, 200, 404}, [3]int{200, 403, 403}},
		{"user by id", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "GET", fmt.Sprintf("/v1/users/id/%d", w.guest.ID), nil
		}, [4]int{401, 200, 200, 404}, [3]int{200, 403, 403}},
		{"admin by id", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "GET", fmt.Sprintf("/v1/users/id/%d", w.admin.ID), nil
		}, [4]int{401, 404, 200, 404}, [3]int{200, 403, 403}},
		{"update guest password", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "PUT", fmt.Sprintf("/v1/users/%d", w.guest.ID), map[string]string{"password": acctGuestPW, "current_password": acctGuestPW}
		}, [4]int{401, 200, 200, 404}, [3]int{403, 200, 403}},
		{"change own password without current_password", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "PUT", fmt.Sprintf("/v1/users/%d", w.guest.ID), map[string]string{"password": acctGuestPW}
		}, [4]int{401, 422, 200, 404}, [3]int{403, 200, 403}},
		{"change own password with a wrong current_password", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "PUT", fmt.Sprintf("/v1/users/%d", w.guest.ID), map[string]string{"password": acctGuestPW, "current_password": "not-the-password"}
		}, [4]int{401, 403, 200, 404}, [3]int{403, 200, 403}},
		{"change guest role", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "PUT", fmt.Sprintf("/v1/users/%d", w.guest.ID), map[string]string{"role": "admin"}
		}, [4]int{401, 403, 200, 404}, [3]int{403, 200, 403}},
		{"change guest role back", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "PUT", fmt.Sprintf("/v1/users/%d", w.guest.ID), map[string]string{"role": "guest"}
		}, [4]int{401, 403, 200, 404}, [3]int{403, 200, 403}},
		{"change own admin role", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "PUT", fmt.Sprintf("/v1/users/%d", w.admin.ID), map[string]string{"role": "guest"}
		}, [4]int{401, 404, 403, 404}, [3]int{0, 0, 0}},
		{"demote another admin", func(t *testing.T, w *acctWorld) (string, string, any) {
			other := acctCreateUser(t, w.a, w.tokens[adminOfA], fmt.Sprintf("admin%d@matrix-a.example", w.next()), "admin")
			return "PUT", fmt.Sprintf("/v1/users/%d", other.ID), map[string]string{"role": "guest"}
		}, [4]int{401, 404, 200, 404}, [3]int{403, 200, 403}},
		{"guest sessions", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "GET", fmt.Sprintf("/v1/tokens/%d", w.guest.ID), nil
		}, [4]int{401, 403, 200, 404}, [3]int{403, 403, 403}},
		{"admin sessions", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "GET", fmt.Sprintf("/v1/tokens/%d", w.admin.ID), nil
		}, [4]int{401, 403, 200, 404}, [3]int{403, 403, 403}},
		{"unknown user's sessions", fixed("GET", "/v1/tokens/999999", nil), [4]int{401, 403, 404, 404}, [3]int{403, 403, 403}},
		{"delete another user", func(t *testing.T, w *acctWorld) (string, string, any) {
			victim := acctCreateUser(t, w.a, w.tokens[adminOfA], fmt.Sprintf("victim%d@example.com", w.next()), "guest")
			return "DELETE", fmt.Sprintf("/v1/users/%d", victim.ID), nil
		}, [4]int{401, 404, 204, 404}, [3]int{403, 204, 403}},
		{"delete corporation", func(t *testing.T, w *acctWorld) (string, string, any) {
			return "DELETE", fmt.Sprintf("/v1/corporations/%d", w.corpA), nil
		}, [4]int{401, 403, 204, 403}, [3]int{403, 403, 403}},
	}
}

// TestAccountsAuthorizationMatrix sends every account route as every kind of caller and
// checks each status; a refused request must leave the account tables as they were.
func TestAccountsAuthorizationMatrix(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		w := &acctWorld{a: a, corpAName: "Matrix A"}
		w.corpA = acctSignUp(t, a, w.corpAName, "admin@matrix-a.example")
		acctSignUp(t, a, "Matrix B", "admin@matrix-b.example")
		w.tokens[adminOfA] = acctLogin(t, a, "admin@matrix-a.example", acctAdminPW).AccessToken
		w.tokens[adminOfB] = acctLogin(t, a, "admin@matrix-b.example", acctAdminPW).AccessToken
		w.guest = acctCreateUser(t, a, w.tokens[adminOfA], "guest@matrix-a.example", "guest")
		w.tokens[keyUsersRead] = createKey(t, a, w.tokens[adminOfA], "users read", "users:read").Key
		w.tokens[keyUsersWrite] = createKey(t, a, w.tokens[adminOfA], "users write", "users:write").Key
		w.tokens[keyOtherScopes] = createKey(t, a, w.tokens[adminOfA], "other", "videos:read", "videos:write", "webhooks:write", "analytics:read").Key
		a.Do(http.MethodGet, "/v1/auth/me", nil, w.tokens[adminOfA]).Expect(t, http.StatusOK).JSON(t, &w.admin)
		g := acctLogin(t, a, w.guest.Email, acctGuestPW)
		w.tokens[guestOfA], w.guestChain = g.AccessToken, g.RefreshToken

		// Requests from anybody but the admin of A come first in every row, because that
		// admin's successful DELETE of corporation A ends the fixture.
		order := []acctActor{anonymous, guestOfA, adminOfB, keyUsersRead, keyUsersWrite, keyOtherScopes, adminOfA}
		for _, route := range acctRoutes() {
			for _, who := range order {
				want, sent := route.status(who)
				if !sent {
					continue
				}
				method, path, body := route.request(t, w)
				before := acctSnapshot(t, a)
				r := a.Do(method, path, body, w.tokens[who])
				if r.Status != want {
					t.Errorf("%s (%s %s) as %s: status %d, want %d; body %s", route.name, method, path, acctActorNames[who], r.Status, want, r.Body)
					continue
				}
				if r.Status >= 400 {
					if after := acctSnapshot(t, a); after != before {
						t.Errorf("%s as %s was refused with %d but changed the account tables", route.name, acctActorNames[who], r.Status)
					}
				}
				if m, ok := body.(map[string]string); ok && m["password"] != "" && method == http.MethodPut && r.Status == http.StatusOK {
					// A new password ends the guest's sessions: sign in again.
					g := acctLogin(t, a, w.guest.Email, acctGuestPW)
					w.tokens[guestOfA], w.guestChain = g.AccessToken, g.RefreshToken
				}
				if route.name == "refresh" && r.Status == http.StatusOK {
					var next acctTokens
					r.JSON(t, &next)
					w.guestChain = next.RefreshToken
				}
			}
		}
		// After the corporation is gone, its admin and guest are signed out everywhere.
		for _, who := range []acctActor{guestOfA, adminOfA} {
			a.Do(http.MethodGet, "/v1/auth/me", nil, w.tokens[who]).Expect(t, http.StatusUnauthorized)
		}
		acctRefresh(a, w.guestChain).Expect(t, http.StatusUnauthorized)
		a.Do(http.MethodGet, "/v1/auth/me", nil, w.tokens[adminOfB]).Expect(t, http.StatusOK)
		// And its API keys are revoked.
		for _, who := range []acctActor{keyUsersRead, keyUsersWrite, keyOtherScopes} {
			a.Do(http.MethodGet, "/v1/users", nil, w.tokens[who]).Expect(t, http.StatusUnauthorized)
		}
	})
}
