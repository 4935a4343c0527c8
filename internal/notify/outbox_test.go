package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/securemailbox/securemailbox/internal/testkit"
)

func TestOutboxOrderAndFilter(t *testing.T) {
	clock := testkit.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	o := NewOutbox(clock.Now)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(o.SendEmail(ctx, Email{To: "Anna@Example.org", Subject: "first", Text: "one"}))
	clock.Advance(time.Second)
	must(o.SendSMS(ctx, SMS{To: "+46701234567", Text: "code 123456"}))
	clock.Advance(time.Second)
	must(o.SendEmail(ctx, Email{To: "bo@example.org", Subject: "other", Text: "two", HTML: "<p>two</p>"}))
	clock.Advance(time.Second)
	must(o.SendEmail(ctx, Email{To: "anna@example.org", Subject: "second", Text: "three"}))

	all := o.List("")
	if len(all) != 4 {
		t.Fatalf("all = %d items, want 4", len(all))
	}
	if all[0].Subject != "second" || all[3].Subject != "first" {
		t.Errorf("not newest first: %+v", all)
	}
	anna := o.List("ANNA@example.ORG")
	if len(anna) != 2 || anna[0].Subject != "second" || anna[1].Subject != "first" {
		t.Fatalf("anna = %+v", anna)
	}
	if anna[0].Channel != ChannelEmail || anna[0].Body != "three" {
		t.Errorf("item = %+v", anna[0])
	}
	if want := clock.Now(); !anna[0].CreatedAt.Equal(want) || anna[0].CreatedAt.Location() != time.UTC {
		t.Errorf("created_at = %v, want %v UTC", anna[0].CreatedAt, want)
	}
	sms := o.List("+46701234567")
	if len(sms) != 1 || sms[0].Channel != ChannelSMS || sms[0].Body != "code 123456" || sms[0].Subject != "" {
		t.Fatalf("sms = %+v", sms)
	}
	if got := o.List("nobody@example.org"); len(got) != 0 {
		t.Errorf("unknown recipient = %+v", got)
	}

	// The JSON shape of the dev outbox API.
	b, err := json.Marshal(sms[0])
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"channel", "to", "subject", "body", "created_at"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if len(fields) != 5 {
		t.Errorf("JSON has extra fields: %s", b)
	}

	// List returns a copy.
	all[0].Body = "changed"
	if o.List("")[0].Body != "three" {
		t.Error("List exposes the outbox's own slice")
	}
}

func TestOutboxBounded(t *testing.T) {
	o := NewOutbox(nil)
	ctx := context.Background()
	const n = OutboxSize + 37
	for i := range n {
		if err := o.SendSMS(ctx, SMS{To: "+46701234567", Text: fmt.Sprint("msg ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	all := o.List("")
	if len(all) != OutboxSize {
		t.Fatalf("outbox holds %d, want %d", len(all), OutboxSize)
	}
	if all[0].Body != fmt.Sprint("msg ", n-1) {
		t.Errorf("newest = %q", all[0].Body)
	}
	if all[OutboxSize-1].Body != fmt.Sprint("msg ", n-OutboxSize) {
		t.Errorf("oldest kept = %q, want msg %d", all[OutboxSize-1].Body, n-OutboxSize)
	}
	for i := 1; i < len(all); i++ {
		var a, b int
		_, _ = fmt.Sscanf(all[i-1].Body, "msg %d", &a)
		_, _ = fmt.Sscanf(all[i].Body, "msg %d", &b)
		if a != b+1 {
			t.Fatalf("order broken at %d: %q then %q", i, all[i-1].Body, all[i].Body)
		}
	}
}

func TestOutboxValidates(t *testing.T) {
	o := NewOutbox(nil)
	ctx := context.Background()
	if err := o.SendEmail(ctx, Email{To: "anna@example.org", Subject: "Hi\r\nBcc: x@attacker.example", Text: "x"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("injected subject: err = %v", err)
	}
	if err := o.SendSMS(ctx, SMS{To: "0701234567", Text: "x"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("non-E.164: err = %v", err)
	}
	if err := o.SendSMS(ctx, SMS{To: "+46701234567", Text: ""}); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty SMS: err = %v", err)
	}
	if got := o.List(""); len(got) != 0 {
		t.Fatalf("outbox captured invalid messages: %+v", got)
	}
}

func TestOutboxConcurrent(t *testing.T) {
	o := NewOutbox(nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	const writers, each = 8, 200
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				var err error
				if i%2 == 0 {
					err = o.SendEmail(ctx, Email{To: fmt.Sprintf("w%d@example.org", w), Subject: "s", Text: "t"})
				} else {
					err = o.SendSMS(ctx, SMS{To: "+4670123456" + fmt.Sprint(w), Text: "t"})
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
		wg.Go(func() {
			for range each / 10 {
				_ = o.List(fmt.Sprintf("w%d@example.org", w))
			}
		})
	}
	wg.Wait()
	if got := len(o.List("")); got != OutboxSize {
		t.Fatalf("outbox holds %d, want %d", got, OutboxSize)
	}
}
