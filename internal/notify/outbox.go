package notify

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Channels of an outbox Item.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// OutboxSize is how many items the dev outbox keeps; older ones are dropped.
const OutboxSize = 1000

// Item is one captured e-mail or SMS, shaped as the dev outbox API returns it.
type Item struct {
	Channel   string    `json:"channel"` // ChannelEmail or ChannelSMS
	To        string    `json:"to"`
	Subject   string    `json:"subject"` // empty for SMS
	Body      string    `json:"body"`    // the plain-text part, or the SMS text
	CreatedAt time.Time `json:"created_at"`
}

// Outbox captures e-mail and SMS in memory instead of sending them (dev mode, tests). It
// never writes to disk, keeps the newest OutboxSize items, and is safe for concurrent use.
// It validates exactly like the real senders, so dev mode refuses what production would.
type Outbox struct {
	now func() time.Time

	mu   sync.Mutex
	ring []Item // ring buffer of at most OutboxSize items
	next int    // where the next item goes once the ring is full
}

var (
	_ Mailer    = (*Outbox)(nil)
	_ SMSSender = (*Outbox)(nil)
)

// NewOutbox returns an empty outbox whose items are stamped by now (time.Now when nil).
func NewOutbox(now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	return &Outbox{now: now}
}

func (o *Outbox) add(it Item) {
	it.CreatedAt = o.now().UTC()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.ring) < OutboxSize {
		o.ring = append(o.ring, it)
	} else {
		o.ring[o.next] = it
		o.next = (o.next + 1) % OutboxSize
	}
}

// SendEmail validates m and captures it.
func (o *Outbox) SendEmail(ctx context.Context, m Email) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("notify: email: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("notify: email to %s: %w", m.To, err)
	}
	o.add(Item{Channel: ChannelEmail, To: m.To, Subject: m.Subject, Body: m.Text})
	return nil
}

// SendSMS validates m and captures it.
func (o *Outbox) SendSMS(ctx context.Context, m SMS) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("notify: sms: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("notify: sms: %w", err)
	}
	o.add(Item{Channel: ChannelSMS, To: m.To, Body: m.Text})
	return nil
}

// List returns the captured items for one recipient (an e-mail address, compared without
// regard to case, or an E.164 number), or all items when to is empty; newest first.
func (o *Outbox) List(to string) []Item {
	to = strings.TrimSpace(to)
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]Item, 0, len(o.ring))
	n := len(o.ring)
	// The newest item sits just before o.next once the ring has wrapped, else at the end.
	for i := 1; i <= n; i++ {
		it := o.ring[(o.next-i+n)%n]
		if to == "" || strings.EqualFold(it.To, to) {
			out = append(out, it)
		}
	}
	return out
}
