package e2e

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"vms/app/apptest"
)

// pwWorld is a corporation with an admin, a guest, the guest's first sign-ins and one
// uploaded video.
type pwWorld struct {
	a       *apptest.App
	admin   acctTokens
	guest   acctUser
	videoID int64
}

func newPWWorld(t *testing.T, a *apptest.App, name string) pwWorld {
	t.Helper()
	acctSignUp(t, a, name, "admin@"+name+".example")
	admin := acctLogin(t, a, "admin@"+name+".example", acctAdminPW)
	guest := acctCreateUser(t, a, admin.AccessToken, "guest@"+name+".example", "guest")
	vid := videoUpload(t, a, admin.AccessToken, "clip", videoSample(t))
	return pwWorld{a: a, admin: admin, guest: guest, videoID: vid}
}

func (w pwWorld) playbackURL(t *testing.T, access string) string {
	t.Helper()
	var play struct {
		URL string `json:"url"`
	}
	w.a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/%d/playback", w.videoID), nil, access).Expect(t, http.StatusOK).JSON(t, &play)
	return play.URL
}

func (w pwWorld) changeGuestPassword(token string, body map[string]string) *apptest.Response {
	return w.a.Do(http.MethodPut, fmt.Sprintf("/v1/users/%d", w.guest.ID), body, token)
}

// liveTokens counts the user's refresh tokens that are not revoked.
func liveTokens(t *testing.T, a *apptest.App, userID int64) int64 {
	t.Helper()
	var n int64
	if err := a.DB.Gorm.Raw("SELECT count(*) FROM refresh_tokens WHERE user_id = ? AND revoked_at IS NULL", userID).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPasswordChangeOverHTTP changes a guest's own password, then has an admin reset it,
// and checks after each that every earlier token is refused and later ones work.
func TestPasswordChangeOverHTTP(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		w := newPWWorld(t, a, "pwchange")
		first := acctLogin(t, a, w.guest.Email, acctGuestPW)
		second := acctLogin(t, a, w.guest.Email, acctGuestPW)
		var rotated acctTokens
		acctRefresh(a, second.RefreshToken).Expect(t, http.StatusOK).JSON(t, &rotated)
		play := w.playbackURL(t, rotated.AccessToken)
		a.Do(http.MethodGet, play, nil, "", "Range: bytes=0-9").Expect(t, http.StatusPartialContent)
		theirs := acctLogin(t, a, "admin@pwchange.example", acctAdminPW)

		// A self change needs the current password; refusals change nothing.
		before := acctSnapshot(t, a)
		r := w.changeGuestPassword(first.AccessToken, map[string]string{"password": "guest-password-2"}).Expect(t, http.StatusUnprocessableEntity)
		var problem struct {
			Errors []struct {
				Field string `json:"field"`
			} `json:"errors"`
		}
		r.JSON(t, &problem)
		if len(problem.Errors) != 1 || problem.Errors[0].Field != "current_password" {
			t.Fatalf("422 body %s", r.Body)
		}
		w.changeGuestPassword(first.AccessToken, map[string]string{"password": "guest-password-2", "current_password": "not-my-password"}).Expect(t, http.StatusForbidden)
		w.changeGuestPassword(first.AccessToken, map[string]string{"password": "short", "current_password": acctGuestPW}).Expect(t, http.StatusUnprocessableEntity)
		if acctSnapshot(t, a) != before {
			t.Fatal("a refused password change changed the account tables")
		}
		w.changeGuestPassword(first.AccessToken, map[string]string{"password": "guest-password-2", "current_password": acctGuestPW}).Expect(t, http.StatusOK)

		for name, tok := range map[string]string{"first": first.AccessToken, "second": second.AccessToken, "rotated": rotated.AccessToken} {
			if s := a.Do(http.MethodGet, "/v1/auth/me", nil, tok).Status; s != http.StatusUnauthorized {
				t.Errorf("%s access token after the change: %d", name, s)
			}
		}
		a.Do(http.MethodGet, play, nil, "", "Range: bytes=0-9").Expect(t, http.StatusUnauthorized)
		for _, tok := range []string{first.RefreshToken, rotated.RefreshToken} {
			acctRefresh(a, tok).Expect(t, http.StatusUnauthorized)
		}
		if n := liveTokens(t, a, w.guest.ID); n != 0 {
			t.Fatalf("%d refresh tokens survived the change", n)
		}
		a.Do(http.MethodPost, "/v1/auth/login", map[string]string{"email": w.guest.Email, "password": acctGuestPW}, "").Expect(t, http.StatusUnauthorized)
		a.Do(http.MethodGet, "/v1/auth/me", nil, theirs.AccessToken).Expect(t, http.StatusOK)

		// Tokens issued after the change work.
		after := acctLogin(t, a, w.guest.Email, "guest-password-2")
		a.Do(http.MethodGet, "/v1/auth/me", nil, after.AccessToken).Expect(t, http.StatusOK)
		play = w.playbackURL(t, after.AccessToken)
		a.Do(http.MethodGet, play, nil, "", "Range: bytes=0-9").Expect(t, http.StatusPartialContent)
		var next acctTokens
		acctRefresh(a, after.RefreshToken).Expect(t, http.StatusOK).JSON(t, &next)
		a.Do(http.MethodGet, "/v1/auth/me", nil, next.AccessToken).Expect(t, http.StatusOK)

		// An admin resets the guest's password without knowing it, with the same effect.
		w.changeGuestPassword(w.admin.AccessToken, map[string]string{"password": "guest-password-3"}).Expect(t, http.StatusOK)
		a.Do(http.MethodGet, "/v1/auth/me", nil, next.AccessToken).Expect(t, http.StatusUnauthorized)
		a.Do(http.MethodGet, play, nil, "", "Range: bytes=0-9").Expect(t, http.StatusUnauthorized)
		acctRefresh(a, next.RefreshToken).Expect(t, http.StatusUnauthorized)
		a.Do(http.MethodPost, "/v1/auth/login", map[string]string{"email": w.guest.Email, "password": "guest-password-2"}, "").Expect(t, http.StatusUnauthorized)
		reset := acctLogin(t, a, w.guest.Email, "guest-password-3")
		a.Do(http.MethodGet, "/v1/auth/me", nil, reset.AccessToken).Expect(t, http.StatusOK)
		// The admin's own session is untouched by the reset.
		a.Do(http.MethodGet, "/v1/auth/me", nil, w.admin.AccessToken).Expect(t, http.StatusOK)

		var changedAt *string
		if err := a.DB.Gorm.Raw("SELECT CAST(password_changed_at AS TEXT) FROM users WHERE id = ?", w.guest.ID).Scan(&changedAt).Error; err != nil || changedAt == nil {
			t.Fatalf("password_changed_at %v, %v", changedAt, err)
		}
		var untouched int64
		if err := a.DB.Gorm.Raw("SELECT count(*) FROM users WHERE email = ? AND password_changed_at IS NULL", "admin@pwchange.example").Scan(&untouched).Error; err != nil || untouched != 1 {
			t.Fatalf("the admin's password_changed_at is set: %d, %v", untouched, err)
		}
	})
}

// TestLogoutAllOverHTTP ends every session of the caller and no other user's.
func TestLogoutAllOverHTTP(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		acctSignUp(t, a, "Globex", "admin@globex.example")
		admin := acctLogin(t, a, "admin@globex.example", acctAdminPW)
		guest := acctCreateUser(t, a, admin.AccessToken, "guest@globex.example", "guest")
		one := acctLogin(t, a, guest.Email, acctGuestPW)
		two := acctLogin(t, a, guest.Email, acctGuestPW)
		var twoNext acctTokens
		acctRefresh(a, two.RefreshToken).Expect(t, http.StatusOK).JSON(t, &twoNext)

		a.Do(http.MethodPost, "/v1/auth/logout-all", nil, "").Expect(t, http.StatusUnauthorized)
		a.Do(http.MethodPost, "/v1/auth/logout-all", nil, one.AccessToken).Expect(t, http.StatusNoContent)
		acctRefresh(a, one.RefreshToken).Expect(t, http.StatusUnauthorized)
		acctRefresh(a, twoNext.RefreshToken).Expect(t, http.StatusUnauthorized)
		if n := liveTokens(t, a, guest.ID); n != 0 {
			t.Fatalf("%d refresh tokens survived logout-all", n)
		}
		for _, s := range acctSessions(t, a, admin.AccessToken, guest.ID) {
			if s.RevokedAt == nil {
				t.Fatalf("session %+v not revoked", s)
			}
		}
		var adminNext acctTokens
		acctRefresh(a, admin.RefreshToken).Expect(t, http.StatusOK).JSON(t, &adminNext)
		// Signing in again starts a new session.
		again := acctLogin(t, a, guest.Email, acctGuestPW)
		acctRefresh(a, again.RefreshToken).Expect(t, http.StatusOK)
	})
}

// TestThrottledLoginRefusesTheRightPassword: once an e-mail has used up its failures,
// even the right password is answered 429 with Retry-After.
func TestThrottledLoginRefusesTheRightPassword(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		acctSignUp(t, a, "Throttle", "admin@throttle.example")
		wrong := map[string]string{"email": "admin@throttle.example", "password": "wrong-password"}
		for i := range 5 {
			if s := a.Do(http.MethodPost, "/v1/auth/login", wrong, "").Status; s != http.StatusUnauthorized {
				t.Fatalf("failure %d: status %d", i+1, s)
			}
		}
		r := a.Do(http.MethodPost, "/v1/auth/login", map[string]string{"email": "Admin@Throttle.example", "password": acctAdminPW}, "").Expect(t, http.StatusTooManyRequests)
		if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs <= 0 {
			t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
		}
	})
}

// TestRefreshRacingPasswordChange refreshes many sessions of one user while an admin
// changes the user's password, with the refreshes spread over the change's hashing and
// unit of work. Whatever the interleaving, no refresh token issued before the change is
// usable afterwards, and a pair handed out by a refresh that committed before the change
// is dead too: its refresh token is revoked and its access token refused.
func TestRefreshRacingPasswordChange(t *testing.T) {
	const clients, rounds = 8, 4
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		w := newPWWorld(t, a, "pwrace")
		password := acctGuestPW
		wonTotal := 0
		for round := range rounds {
			sessions := make([]acctTokens, clients)
			for i := range sessions {
				sessions[i] = acctLogin(t, a, w.guest.Email, password)
			}
			newPassword := fmt.Sprintf("guest-password-race-%d", round)
			results := make([]*apptest.Response, clients)
			var change *apptest.Response
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range clients {
				wg.Go(func() {
					<-start
					time.Sleep(time.Duration(round*clients+i) * 2 * time.Millisecond)
					results[i] = acctRefresh(a, sessions[i].RefreshToken)
				})
			}
			wg.Go(func() {
				<-start
				change = w.changeGuestPassword(w.admin.AccessToken, map[string]string{"password": newPassword})
			})
			close(start)
			wg.Wait()
			change.Expect(t, http.StatusOK)
			password = newPassword

			for i, r := range results {
				switch r.Status {
				case http.StatusOK:
					wonTotal++
					var pair acctTokens
					r.JSON(t, &pair)
					acctRefresh(a, pair.RefreshToken).Expect(t, http.StatusUnauthorized)
					a.Do(http.MethodGet, "/v1/auth/me", nil, pair.AccessToken).Expect(t, http.StatusUnauthorized)
				case http.StatusUnauthorized:
				default:
					t.Fatalf("refresh %d: status %d, body %s", i, r.Status, r.Body)
				}
				acctRefresh(a, sessions[i].RefreshToken).Expect(t, http.StatusUnauthorized)
				a.Do(http.MethodGet, "/v1/auth/me", nil, sessions[i].AccessToken).Expect(t, http.StatusUnauthorized)
			}
			if n := liveTokens(t, a, w.guest.ID); n != 0 {
				t.Fatalf("round %d: %d refresh tokens of the guest are live after the change", round, n)
			}
			// A sign-in after the change works.
			after := acctLogin(t, a, w.guest.Email, password)
			a.Do(http.MethodGet, "/v1/auth/me", nil, after.AccessToken).Expect(t, http.StatusOK)
			a.Do(http.MethodPost, "/v1/auth/logout-all", nil, after.AccessToken).Expect(t, http.StatusNoContent)
		}
		t.Logf("%d of %d refreshes committed before the change they raced", wonTotal, clients*rounds)
	})
}
