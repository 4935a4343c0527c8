package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/blob"
	"github.com/securemailbox/securemailbox/internal/web/request"
)

// RegionLister lists the configured storage regions.
type RegionLister interface {
	Regions() []blob.RegionInfo
}

type regionsArea struct{ regions RegionLister }

// RegionsArea serves GET /api/v1/regions (no authentication): the regions a tenant's data
// can live in, each with its three sites.
func RegionsArea(r RegionLister) Area { return regionsArea{regions: r} }

func (a regionsArea) Mount(r fiber.Router) {
	r.Get("/api/v1/regions", func(c *fiber.Ctx) error {
		items := a.regions.Regions()
		if items == nil {
			items = []blob.RegionInfo{}
		}
		return request.JSON(c, fiber.StatusOK, fiber.Map{"items": items})
	})
}
