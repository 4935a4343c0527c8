// Package components holds the small parts that pages are built from: form fields with their
// labels, hints and inline errors, the CSRF field, POST forms, buttons, alerts and status
// badges, plus helpers that turn dynamic values into safe URLs.
//
// Components take plain props and translated strings; they translate only their own fixed
// words (such as "Show password") through the printer in the render context.
package components
