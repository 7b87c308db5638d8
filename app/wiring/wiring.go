// Package wiring assembles the whole application graph, for the binary and for
// end-to-end tests. It is the only package that knows more than one module: it lists
// the modules and binds each consumer's port to the module that serves it.
package wiring

import (
	"net/http"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"
	"go.uber.org/fx"

	"vms/app/console"
	"vms/app/docs"
	"vms/platform"
	"vms/platform/config"
	"vms/platform/httpserver"
)

// Options is the full application for the given configuration.
func Options(cfg config.Config) fx.Option {
	return fx.Options(
		fx.Supply(cfg),
		platform.Module,
		Modules,
		Bindings,
		fx.Provide(
			fx.Annotate(newDocs, fx.ResultTags(`group:"routes"`)),
			fx.Annotate(console.New, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		),
	)
}

func newDocs() httpserver.Registrar {
	return httpserver.RegistrarFunc(func(r gin.IRouter) {
		docs.SwaggerInfo.BasePath = "/"
		h := ginSwagger.WrapHandler(swaggerFiles.Handler, ginSwagger.DocExpansion("none"))
		r.GET("/docs", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/docs/index.html") })
		r.GET("/docs/*any", func(c *gin.Context) {
			switch c.Param("any") {
			case "/":
				c.Redirect(http.StatusMovedPermanently, "/docs/index.html")
				return
			case "/openapi.json":
				// The OpenAPI 3 form of /docs/doc.json (Swagger 2), generated beside it.
				c.Data(http.StatusOK, "application/json; charset=utf-8", docs.OpenAPI3)
				return
			}
			h(c)
		})
	})
}
