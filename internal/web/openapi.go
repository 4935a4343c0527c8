package web

import (
	_ "embed"
	"encoding/hex"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/keys"
)

// OpenAPIPath is where the OpenAPI document of the JSON API is served.
const OpenAPIPath = "/api/v1/openapi.json"

// openAPICache lets clients and proxies keep the document for a while; the ETag makes the
// revalidation after that cheap. The document changes only with a new build.
const openAPICache = "public, max-age=3600"

// openAPIDocument is the hand-written OpenAPI 3.1 description of every /api/v1 endpoint.
//
//go:embed openapi.json
var openAPIDocument []byte

type openAPIArea struct{ etag string }

// OpenAPIArea serves GET /api/v1/openapi.json (no authentication): the OpenAPI 3.1
// document of the JSON API, cacheable, with an ETag for If-None-Match.
func OpenAPIArea() Area {
	return openAPIArea{etag: `"` + hex.EncodeToString(keys.SHA256(openAPIDocument)[:16]) + `"`}
}

func (a openAPIArea) Mount(r fiber.Router) {
	r.Get(OpenAPIPath, a.serve)
}

func (a openAPIArea) serve(c *fiber.Ctx) error {
	// The security middleware marks every answer no-store; this one holds nothing personal.
	c.Set(fiber.HeaderCacheControl, openAPICache)
	c.Set(fiber.HeaderETag, a.etag)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), a.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(openAPIDocument)
}

// etagMatches reports whether an If-None-Match header names etag (or is "*"). Weak
// validators match too: the comparison for If-None-Match is the weak one.
func etagMatches(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimSpace(v)
		if v == "*" || strings.TrimPrefix(v, "W/") == etag {
			return true
		}
	}
	return false
}
