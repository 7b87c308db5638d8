package principal

import (
	"math/bits"

	"vms/platform/kind"
)

// Scope is one right an API key may hold.
type Scope uint8

// The scopes, in the order they are listed.
const (
	VideosRead Scope = iota + 1
	VideosWrite
	UsersRead
	UsersWrite
	WebhooksWrite
	AnalyticsRead
	lastScope = AnalyticsRead
)

var scopeNames = [...]string{
	VideosRead:    "videos:read",
	VideosWrite:   "videos:write",
	UsersRead:     "users:read",
	UsersWrite:    "users:write",
	WebhooksWrite: "webhooks:write",
	AnalyticsRead: "analytics:read",
}

// String returns the scope's name, such as "videos:read".
func (s Scope) String() string {
	if s == 0 || s > lastScope {
		return "unknown"
	}
	return scopeNames[s]
}

// ParseScope returns the scope with the given name; ok is false for an unknown name.
func ParseScope(name string) (s Scope, ok bool) {
	for i := VideosRead; i <= lastScope; i++ {
		if scopeNames[i] == name {
			return i, true
		}
	}
	return 0, false
}

// AllScopes lists every scope, in order.
func AllScopes() []Scope {
	out := make([]Scope, 0, lastScope)
	for s := VideosRead; s <= lastScope; s++ {
		out = append(out, s)
	}
	return out
}

// Scopes is a set of scopes. It is a bit set, so a Principal stays comparable and cheap
// to copy.
type Scopes uint16

// ScopesOf returns the set of the given scopes.
func ScopesOf(scopes ...Scope) Scopes {
	var set Scopes
	for _, s := range scopes {
		set |= 1 << s
	}
	return set
}

// Has reports whether the set holds s.
func (set Scopes) Has(s Scope) bool { return s != 0 && set&(1<<s) != 0 }

// Len returns how many scopes the set holds.
func (set Scopes) Len() int { return bits.OnesCount16(uint16(set)) }

// Names returns the names of the set's scopes, in the order AllScopes lists them.
func (set Scopes) Names() []string {
	out := make([]string, 0, set.Len())
	for _, s := range AllScopes() {
		if set.Has(s) {
			out = append(out, s.String())
		}
	}
	return out
}

// ErrKeyNotAllowed answers an API key on a route that is not open to keys: views and
// streams, sign-in sessions, API key management, corporations.
var ErrKeyNotAllowed = kind.New(kind.Forbidden, "API keys may not use this route; it needs a signed-in user")

// MissingScopeError answers an API key that lacks the scope a route needs.
type MissingScopeError struct {
	Scope Scope
}

func (e *MissingScopeError) Error() string {
	return "the API key lacks the scope " + e.Scope.String() + " that this route needs"
}

// Kind reports the error as forbidden.
func (e *MissingScopeError) Kind() kind.Kind { return kind.Forbidden }
