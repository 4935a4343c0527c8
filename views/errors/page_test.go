package errors_test

import (
	"strings"
	"testing"

	errpage "github.com/securemailbox/securemailbox/views/errors"
	"github.com/securemailbox/securemailbox/views/internal/viewtest"
)

func TestPage(t *testing.T) {
	for _, lang := range viewtest.Langs {
		for _, status := range []int{0, 400, 401, 403, 404, 409, 410, 413, 429, 500, 502, 503} {
			d := viewtest.Check(t, lang, errpage.Page(viewtest.Page(lang), errpage.Props{
				Status:    status,
				Message:   viewtest.T(t, lang, "error.not_found") + " " + viewtest.Hostile,
				RequestID: "req-" + viewtest.Hostile,
			}))
			d.Escaped()
			if got := viewtest.Text(d.One("request-id")); got != "req-"+viewtest.Hostile {
				t.Errorf("request id = %q", got)
			}
			d.Contains(viewtest.T(t, lang, "errorpage.reference"))
			if !strings.Contains(d.HTML, `href="/"`) {
				t.Error("no link home")
			}
		}
	}
}

func TestPageWithoutRequestID(t *testing.T) {
	d := viewtest.Check(t, "en", errpage.Page(viewtest.LoggedOut("en"), errpage.Props{Status: 404}))
	d.None("request-id")
}
