package bootstrap

import "go.uber.org/fx"

// Modules lists every business module of the application.
var Modules = fx.Options(
// modules
)
