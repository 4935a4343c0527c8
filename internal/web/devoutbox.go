package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/notify"
	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/dev"
	"github.com/securemailbox/securemailbox/views/layout"
)

// DevOutbox is the dev-mode viewer of captured e-mail and SMS: GET /api/v1/dev/outbox?to=
// (JSON, newest first) and GET /dev/outbox (a page). Mount it only in dev mode; elsewhere
// the paths do not exist (404).
type DevOutbox struct {
	outbox *notify.Outbox
	page   func(c *fiber.Ctx, titleKey string) layout.Page
}

// NewDevOutbox returns the viewer of o. page builds the shell props of the page (the auth
// area's Page, which knows the logged-in user); nil makes plain ones.
func NewDevOutbox(o *notify.Outbox, page func(c *fiber.Ctx, titleKey string) layout.Page) *DevOutbox {
	if page == nil {
		page = plainPage
	}
	return &DevOutbox{outbox: o, page: page}
}

// Mount installs the two routes.
func (d *DevOutbox) Mount(r fiber.Router) {
	r.Get("/api/v1/dev/outbox", d.list)
	r.Get("/dev/outbox", d.show)
}

type outboxResponse struct {
	Items []notify.Item `json:"items"`
}

func (d *DevOutbox) list(c *fiber.Ctx) error {
	items := d.outbox.List(strings.Clone(c.Query("to")))
	for i := range items {
		items[i].CreatedAt = items[i].CreatedAt.UTC()
	}
	return request.JSON(c, fiber.StatusOK, outboxResponse{Items: items})
}

func (d *DevOutbox) show(c *fiber.Ctx) error {
	to := strings.TrimSpace(strings.Clone(c.Query("to")))
	p := request.Printer(c)
	props := dev.OutboxProps{To: to}
	for _, it := range d.outbox.List(to) {
		props.Items = append(props.Items, dev.OutboxItem{
			Channel: it.Channel, To: it.To, Subject: it.Subject, Body: it.Body, Created: p.Date(it.CreatedAt),
		})
	}
	return request.Render(c, fiber.StatusOK, dev.Outbox(d.page(c, "outbox"), props))
}

// plainPage is the shell of a page that knows nothing of the logged-in user.
func plainPage(c *fiber.Ctx, titleKey string) layout.Page {
	p := request.Printer(c)
	var title string
	if key := "title." + titleKey; p.HasKey(key) {
		title = p.T(key)
	}
	return layout.Page{
		Title: title, Lang: p.Lang(), Path: strings.Clone(c.Path()), CSRF: request.CSRF(c),
		Flash: request.Flash(c), Dev: true,
	}
}
