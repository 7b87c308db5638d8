package service

// NewUserInput is a user an admin creates.
type NewUserInput struct {
	Email, Password, Role string
}

// UpdateInput changes a user; nil fields stay as they are.
type UpdateInput struct {
	Password *string
	// CurrentPassword is required when users change their own password.
	CurrentPassword *string
	Role            *string
}
