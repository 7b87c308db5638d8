// Package httpapi serves the user routes and GET /v1/auth/me.
package httpapi

import (
	"time"

	"vms/modules/user/domain"
)

// CreateUserRequest adds a user to the admin's corporation.
type CreateUserRequest struct {
	Email    *string `json:"email" validate:"required" format:"email" minLength:"3" maxLength:"254" example:"guest@acme.example"`
	Password *string `json:"password" validate:"required" minLength:"8" maxLength:"72" example:"correct horse battery"`
	Role     *string `json:"role" validate:"required" enums:"admin,guest" example:"guest"`
}

// UpdateUserRequest changes a user's password and/or role; at least one is required.
// Changing one's own password needs current_password; an admin resetting another user's
// password does not.
type UpdateUserRequest struct {
	Password        *string `json:"password,omitempty" minLength:"8" maxLength:"72" example:"another good password"`
	CurrentPassword *string `json:"current_password,omitempty" minLength:"1" maxLength:"72" example:"correct horse battery"`
	Role            *string `json:"role,omitempty" enums:"admin,guest" example:"admin"`
}

// UserResponse is a user as the API shows it: never a password or hash.
type UserResponse struct {
	ID            int64     `json:"id" validate:"required" minimum:"1" example:"2"`
	Email         string    `json:"email" validate:"required" format:"email" example:"guest@acme.example"`
	Role          string    `json:"role" validate:"required" enums:"admin,guest" example:"guest"`
	CorporationID int64     `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
	Point         int64     `json:"point" validate:"required" minimum:"0" example:"30"`
	CreatedAt     time.Time `json:"created_at" validate:"required" format:"date-time" example:"2026-01-01T00:00:00Z"`
	UpdatedAt     time.Time `json:"updated_at" validate:"required" format:"date-time" example:"2026-01-01T00:00:00Z"`
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
