package bootstrap

import (
	"go.uber.org/fx"

	"vms/modules/auth"
	"vms/modules/corporation"
	"vms/modules/points"
	"vms/modules/user"
	"vms/modules/video"
)

// Modules lists every business module of the application.
var Modules = fx.Options(
	// modules
	video.Module,
	points.Module,
	corporation.Module,
	user.Module,
	auth.Module,
)
