// Package httpapi serves the user routes and GET /v1/auth/me.
package httpapi

import (
	"time"

	"vms/modules/user/domain"
)

// CreateUserRequest adds a user to the admin's corporation.
type CreateUserRequest struct {
	Email    *string `json:"email" example:"guest@acme.example"`
	Password *string `json:"password" example:"correct horse battery"`
	Role     *string `json:"role" example:"guest" enums:"admin,guest"`
}

// UpdateUserRequest changes a user's password and/or role; at least one is required.
// Changing one's own password needs current_password; an admin resetting another user's
// password does not.
type UpdateUserRequest struct {
	Password        *string `json:"password,omitempty" example:"another good password"`
	CurrentPassword *string `json:"current_password,omitempty" example:"correct horse battery"`
	Role            *string `json:"role,omitempty" example:"admin" enums:"admin,guest"`
}

// UserResponse is a user as the API shows it: never a password or hash.
type UserResponse struct {
	ID            int64     `json:"id" example:"2"`
	Email         string    `json:"email" example:"guest@acme.example"`
	Role          string    `json:"role" example:"guest"`
	CorporationID int64     `json:"corporation_id" example:"1"`
	Point         int64     `json:"point" example:"30"`
	CreatedAt     time.Time `json:"created_at" example:"2026-01-01T00:00:00Z"`
	UpdatedAt     time.Time `json:"updated_at" example:"2026-01-01T00:00:00Z"`
}

func toResponse(u domain.User) UserResponse {
	return UserResponse{
		ID:            u.ID,
		Email:         u.Email,
		Role:          string(u.Role),
		CorporationID: u.CorporationID,
		Point:         u.Point,
		CreatedAt:     u.CreatedAt.UTC(),
		UpdatedAt:     u.UpdatedAt.UTC(),
	}
}

func toResponses(us []domain.User) []UserResponse {
	out := make([]UserResponse, 0, len(us))
	for _, u := range us {
		out = append(out, toResponse(u))
	}
	return out
}
