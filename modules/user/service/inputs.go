package service

// NewUserInput is a user an admin creates.
type NewUserInput struct {
	Email, Password, Role string
}

// UpdateInput changes a user; nil fields stay as they are.
type UpdateInput struct {
	Password *string
	Role     *string
}
