package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// GatewayOptions configure the HTTP SMS gateway.
type GatewayOptions struct {
	// URL receives the form POST, e.g. a 46elks-style ".../a1/sms" endpoint. It must be
	// https, except for a loopback host (tests, a local relay), and must not carry credentials.
	URL      string
	Username string // HTTP basic auth user (the API user name)
	Password string // HTTP basic auth password (the API secret)
	// From is the sender: an E.164 number or an alphanumeric sender id of up to 11 characters.
	From    string
	Timeout time.Duration // per request; 0 means 10 s
	Client  *http.Client  // optional; its own Timeout, if any, applies as well
}

// Gateway is an SMSSender that POSTs each message as a form (from, to, message) with HTTP
// basic auth, in the style of 46elks. It is safe for concurrent use.
type Gateway struct {
	o      GatewayOptions
	target *url.URL
	client *http.Client
}

var _ SMSSender = (*Gateway)(nil)

var alphaSender = regexp.MustCompile(`^[A-Za-z0-9]{1,11}$`)

// maxGatewayReply bounds how much of a reply is read (and then discarded).
const maxGatewayReply = 64 << 10

// NewGateway checks the options and returns the sender. It does not connect.
func NewGateway(o GatewayOptions) (*Gateway, error) {
	u, err := url.Parse(o.URL)
	if err != nil || u.Host == "" {
		return nil, errors.New("notify: sms gateway: URL is not an absolute URL")
	}
	if u.User != nil {
		return nil, errors.New("notify: sms gateway: put credentials in Username and Password, not in the URL")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
	default:
		return nil, errors.New("notify: sms gateway: URL must be https (plain http only on loopback)")
	}
	if o.Username == "" || o.Password == "" {
		return nil, errors.New("notify: sms gateway: username and password are required")
	}
	if !ValidPhone(o.From) && !alphaSender.MatchString(o.From) {
		return nil, errors.New("notify: sms gateway: sender must be an E.164 number or 1-11 letters and digits")
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	c := o.Client
	if c == nil {
		c = &http.Client{}
	}
	return &Gateway{o: o, target: u, client: c}, nil
}

// SendSMS validates m and POSTs it to the gateway. Any reply other than 2xx is an error that
// carries the status, but never the credentials, the text or the gateway's reply body.
func (g *Gateway) SendSMS(ctx context.Context, m SMS) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("notify: sms: %w", err)
	}
	form := url.Values{}
	form.Set("from", g.o.From)
	form.Set("to", m.To)
	form.Set("message", m.Text)

	ctx, cancel := context.WithTimeout(ctx, g.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.target.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("notify: sms gateway %s: request: %w", g.target.Host, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(g.o.Username, g.o.Password)

	resp, err := g.client.Do(req)
	if err != nil {
		// *url.Error repeats the URL; report only the host and the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("notify: sms gateway %s: %w", g.target.Host, err)
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxGatewayReply))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &GatewayError{Host: g.target.Host, StatusCode: resp.StatusCode}
	}
	return nil
}

// GatewayError is a reply other than 2xx from the SMS gateway.
type GatewayError struct {
	Host       string
	StatusCode int
}

func (e *GatewayError) Error() string {
	return fmt.Sprintf("notify: sms gateway %s: status %d %s", e.Host, e.StatusCode, http.StatusText(e.StatusCode))
}
