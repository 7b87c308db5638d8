package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"vms/app/apptest"
)

const (
	acctAdminPW = "admin-password-1"
	acctGuestPW = "guest-password-1"
)

type acctTokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
}

type acctUser struct {
	ID            int64  `json:"id"`
	Email         string `json:"email"`
	Role          string `json:"role"`
	CorporationID int64  `json:"corporation_id"`
}

type acctSession struct {
	ID         int64   `json:"id"`
	CreatedAt  string  `json:"created_at"`
	ExpiresAt  string  `json:"expires_at"`
	LastUsedAt *string `json:"last_used_at"`
	RevokedAt  *string `json:"revoked_at"`
}

func acctLogin(t *testing.T, a *apptest.App, email, password string) acctTokens {
	t.Helper()
	var tp acctTokens
	a.Do(http.MethodPost, "/v1/auth/login", map[string]string{"email": email, "password": password}, "").Expect(t, http.StatusOK).JSON(t, &tp)
	if tp.AccessToken == "" || tp.RefreshToken == "" || tp.TokenType != "bearer" || tp.ExpiresIn <= 0 {
		t.Fatalf("login %s: %+v", email, tp)
	}
	return tp
}

// acctSignUp creates a FREE corporation with its admin and returns the corporation id.
func acctSignUp(t *testing.T, a *apptest.App, name, adminEmail string) int64 {
	t.Helper()
	var corp struct {
		ID int64 `json:"id"`
	}
	a.Do(http.MethodPost, "/v1/corporations", map[string]any{
		"name": name, "plan_type": "FREE", "admin_email": adminEmail, "admin_password": acctAdminPW,
	}, "").Expect(t, http.StatusCreated).JSON(t, &corp)
	if corp.ID <= 0 {
		t.Fatalf("corporation id %d", corp.ID)
	}
	return corp.ID
}

func acctCreateUser(t *testing.T, a *apptest.App, adminToken, email, role string) acctUser {
	t.Helper()
	var u acctUser
	a.Do(http.MethodPost, "/v1/users", map[string]string{"email": email, "password": acctGuestPW, "role": role}, adminToken).
		Expect(t, http.StatusCreated).JSON(t, &u)
	return u
}

func acctSessions(t *testing.T, a *apptest.App, adminToken string, userID int64) []acctSession {
	t.Helper()
	r := a.Do(http.MethodGet, fmt.Sprintf("/v1/tokens/%d?limit=100", userID), nil, adminToken).Expect(t, http.StatusOK)
	var out []acctSession
	r.JSON(t, &out)
	return out
}

func acctRefresh(a *apptest.App, token string) *apptest.Response {
	return a.Do(http.MethodPost, "/v1/auth/refresh", map[string]string{"refresh_token": token}, "")
}

// TestAccountsOverHTTP is the first half of the original scenario: sign up a corporation
// and its admin, sign in, create a guest, read and update users, list the guest's
// sessions, rotate a refresh token and sign out.
func TestAccountsOverHTTP(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		corpID := acctSignUp(t, a, "Initech", "admin@initech.example")
		admin := acctLogin(t, a, "Admin@Initech.example", acctAdminPW)
		var me acctUser
		a.Do(http.MethodGet, "/v1/auth/me", nil, admin.AccessToken).Expect(t, http.StatusOK).JSON(t, &me)
		if me.Role != "admin" || me.CorporationID != corpID {
			t.Fatalf("me %+v", me)
		}

		guest := acctCreateUser(t, a, admin.AccessToken, "guest@initech.example", "guest")
		g := acctLogin(t, a, "guest@initech.example", acctGuestPW)
		var got acctUser
		a.Do(http.MethodGet, fmt.Sprintf("/v1/users/id/%d", guest.ID), nil, admin.AccessToken).Expect(t, http.StatusOK).JSON(t, &got)
		if got.Email != "guest@initech.example" || got.Role != "guest" {
			t.Fatalf("guest %+v", got)
		}
		a.Do(http.MethodGet, "/v1/users/guest@initech.example", nil, g.AccessToken).Expect(t, http.StatusOK)
		a.Do(http.MethodPut, fmt.Sprintf("/v1/users/%d", guest.ID), map[string]string{"password": "guest-password-2", "current_password": acctGuestPW}, g.AccessToken).Expect(t, http.StatusOK)
		a.Do(http.MethodPost, "/v1/auth/login", map[string]string{"email": "guest@initech.example", "password": acctGuestPW}, "").Expect(t, http.StatusUnauthorized)
		g2 := acctLogin(t, a, "guest@initech.example", "guest-password-2")
		g3 := acctLogin(t, a, "guest@initech.example", "guest-password-2")

		// The password change ended the first sign-in.
		sessions := acctSessions(t, a, admin.AccessToken, guest.ID)
		if len(sessions) != 3 || sessions[0].RevokedAt == nil {
			t.Fatalf("guest sessions %+v, want 3, the first revoked", sessions)
		}
		for _, s := range sessions[1:] {
			if s.ID <= 0 || s.CreatedAt == "" || s.ExpiresAt == "" || s.RevokedAt != nil {
				t.Fatalf("session %+v", s)
			}
		}

		var next acctTokens
		acctRefresh(a, g2.RefreshToken).Expect(t, http.StatusOK).JSON(t, &next)
		if next.RefreshToken == g2.RefreshToken || next.TokenType != "bearer" {
			t.Fatalf("refresh %+v", next)
		}
		a.Do(http.MethodGet, "/v1/auth/me", nil, next.AccessToken).Expect(t, http.StatusOK)
		sessions = acctSessions(t, a, admin.AccessToken, guest.ID)
		if len(sessions) != 4 || sessions[1].RevokedAt == nil || sessions[1].LastUsedAt == nil || sessions[3].RevokedAt != nil {
			t.Fatalf("after refresh %+v", sessions)
		}

		a.Do(http.MethodPost, "/v1/auth/logout", map[string]string{"refresh_token": next.RefreshToken}, next.AccessToken).Expect(t, http.StatusNoContent)
		acctRefresh(a, next.RefreshToken).Expect(t, http.StatusUnauthorized)
		// Another sign-in is another family and survives.
		acctRefresh(a, g3.RefreshToken).Expect(t, http.StatusOK)
	})
}

// TestAccountsRefreshReuseRevokesFamily presents a rotated refresh token again: the reuse
// is refused and revokes the whole family, so the successor stops working too.
func TestAccountsRefreshReuseRevokesFamily(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		acctSignUp(t, a, "Pied Piper", "admin@piedpiper.example")
		r1 := acctLogin(t, a, "admin@piedpiper.example", acctAdminPW)
		other := acctLogin(t, a, "admin@piedpiper.example", acctAdminPW)
		var r2 acctTokens
		acctRefresh(a, r1.RefreshToken).Expect(t, http.StatusOK).JSON(t, &r2)
		if r2.RefreshToken == "" || r2.RefreshToken == r1.RefreshToken {
			t.Fatalf("rotation gave %+v", r2)
		}
		acctRefresh(a, r1.RefreshToken).Expect(t, http.StatusUnauthorized)
		acctRefresh(a, r2.RefreshToken).Expect(t, http.StatusUnauthorized)
		// Another sign-in is another family and survives.
		acctRefresh(a, other.RefreshToken).Expect(t, http.StatusOK)
	})
}

// TestAccountsConcurrentRefresh spends one refresh token from 20 clients at once.
func TestAccountsConcurrentRefresh(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		acctSignUp(t, a, "Hooli", "admin@hooli.example")
		tok := acctLogin(t, a, "admin@hooli.example", acctAdminPW)
		statuses := make([]int, 20)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				statuses[i] = acctRefresh(a, tok.RefreshToken).Status
			}()
		}
		close(start)
		wg.Wait()
		counts := map[int]int{}
		for _, s := range statuses {
			counts[s]++
		}
		if counts[http.StatusOK] != 1 || counts[http.StatusUnauthorized] != 19 {
			t.Fatalf("statuses %v, want one 200 and nineteen 401", counts)
		}
	})
}

// TestAccountsDeletedUserIsLockedOut checks that deleting a user ends its access token at
// once and revokes its refresh tokens.
func TestAccountsDeletedUserIsLockedOut(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		acctSignUp(t, a, "Vandelay", "admin@vandelay.example")
		admin := acctLogin(t, a, "admin@vandelay.example", acctAdminPW)
		guest := acctCreateUser(t, a, admin.AccessToken, "guest@vandelay.example", "guest")
		first := acctLogin(t, a, "guest@vandelay.example", acctGuestPW)
		second := acctLogin(t, a, "guest@vandelay.example", acctGuestPW)
		// Warm the authentication cache, then delete.
		a.Do(http.MethodGet, "/v1/auth/me", nil, first.AccessToken).Expect(t, http.StatusOK)
		a.Do(http.MethodDelete, fmt.Sprintf("/v1/users/%d", guest.ID), nil, admin.AccessToken).Expect(t, http.StatusNoContent)
		a.Do(http.MethodGet, "/v1/auth/me", nil, first.AccessToken).Expect(t, http.StatusUnauthorized)
		a.Do(http.MethodGet, "/v1/auth/me", nil, second.AccessToken).Expect(t, http.StatusUnauthorized)
		acctRefresh(a, first.RefreshToken).Expect(t, http.StatusUnauthorized)
		acctRefresh(a, second.RefreshToken).Expect(t, http.StatusUnauthorized)
		var live int64
		if err := a.DB.Gorm.Raw("SELECT count(*) FROM refresh_tokens WHERE user_id = ? AND revoked_at IS NULL", guest.ID).Scan(&live).Error; err != nil {
			t.Fatal(err)
		}
		if live != 0 {
			t.Fatalf("%d refresh tokens of the deleted user are still live", live)
		}
		a.Do(http.MethodGet, fmt.Sprintf("/v1/tokens/%d", guest.ID), nil, admin.AccessToken).Expect(t, http.StatusNotFound)

		// A user who deletes itself is locked out the same way.
		self := acctLogin(t, a, "admin@vandelay.example", acctAdminPW)
		me := acctUser{}
		a.Do(http.MethodGet, "/v1/auth/me", nil, self.AccessToken).Expect(t, http.StatusOK).JSON(t, &me)
		a.Do(http.MethodDelete, fmt.Sprintf("/v1/users/%d", me.ID), nil, self.AccessToken).Expect(t, http.StatusNoContent)
		a.Do(http.MethodGet, "/v1/auth/me", nil, admin.AccessToken).Expect(t, http.StatusUnauthorized)
		acctRefresh(a, self.RefreshToken).Expect(t, http.StatusUnauthorized)
	})
}

// acctSnapshot is the content of the account tables, to show a refused request changed nothing.
func acctSnapshot(t *testing.T, a *apptest.App) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"corporations", "users", "refresh_tokens"} {
		var rows []map[string]any
		if err := a.DB.Gorm.Table(table).Order("id").Find(&rows).Error; err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		raw, err := json.Marshal(rows)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(table)
		b.Write(raw)
	}
	return b.String()
}
