package service

import "vms/modules/corporation/domain"

// SignUp is a new corporation with its first admin.
type SignUp struct {
	Details       domain.DetailsInput
	AdminEmail    string
	AdminPassword string
}
