package audit

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/testkit"
)

func TestStoreRecordAndList(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s := NewStore(bdb)
		base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		hostile := `Robert'); DROP TABLE audit_events; -- "quoted" \ back ` + "\u00e5\u00e4\u00f6 \U0001F600 \t tab"
		want := Event{
			TenantID: "tenant-a", At: base.Add(1500 * time.Nanosecond), Actor: "acc-1", Action: "auth.login.success",
			ObjectKind: "session", ObjectID: "sess-1", Result: ResultSuccess, IP: "2001:db8::1",
			Detail: map[string]string{"user_agent": hostile, "method": "totp"},
		}
		if err := s.Record(ctx, want); err != nil {
			t.Fatalf("record: %v", err)
		}
		got, next, err := s.List(ctx, "tenant-a", Filter{})
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if next != "" || len(got) != 1 {
			t.Fatalf("list = %d events, next %q", len(got), next)
		}
		e := got[0]
		if e.ID == "" {
			t.Error("no id assigned")
		}
		want.ID = e.ID
		want.At = base.Add(time.Microsecond) // stored at microsecond precision
		if !e.At.Equal(want.At) || e.At.Location() != time.UTC {
			t.Errorf("at = %v, want %v UTC", e.At, want.At)
		}
		e.At = want.At
		if e.TenantID != want.TenantID || e.Actor != want.Actor || e.Action != want.Action ||
			e.ObjectKind != want.ObjectKind || e.ObjectID != want.ObjectID || e.Result != want.Result ||
			e.IP != want.IP || len(e.Detail) != 2 || e.Detail["user_agent"] != hostile || e.Detail["method"] != "totp" {
			t.Errorf("event = %+v\nwant    %+v", e, want)
		}

		// An event with no time gets the current one; no detail reads back as nil.
		before := time.Now().Add(-time.Second)
		if err := s.Record(ctx, Event{TenantID: "tenant-a", Actor: ActorSystem, Action: "jobs.cleanup.run", Result: ResultSuccess}); err != nil {
			t.Fatal(err)
		}
		got, _, err = s.List(ctx, "tenant-a", Filter{Action: "jobs"})
		if err != nil || len(got) != 1 {
			t.Fatalf("list jobs = %v, %v", got, err)
		}
		if got[0].At.Before(before) || got[0].Detail != nil || got[0].IP != "" || got[0].ObjectKind != "" {
			t.Errorf("defaults = %+v", got[0])
		}

		// Invalid events are refused before anything is written.
		bad := want
		bad.ID = ""
		bad.Detail = map[string]string{"reset_token": "abc"}
		if err := s.Record(ctx, bad); !errors.Is(err, ErrSecretDetail) {
			t.Errorf("secret detail: err = %v", err)
		}
		bad.Detail, bad.TenantID = nil, ""
		if err := s.Record(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("no tenant: err = %v", err)
		}
		if _, _, err := s.List(ctx, "", Filter{}); !errors.Is(err, ErrInvalid) {
			t.Errorf("list without tenant: err = %v", err)
		}
		got, _, _ = s.List(ctx, "tenant-a", Filter{})
		if len(got) != 2 {
			t.Errorf("after refusals: %d events, want 2", len(got))
		}

		// A duplicate id is a conflict, not an overwrite.
		dup := want
		if err := s.Record(ctx, dup); !errors.Is(err, db.ErrConflict) {
			t.Errorf("duplicate id: err = %v, want ErrConflict", err)
		}
	})
}

func TestStoreTenantsIsolated(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s := NewStore(bdb)
		at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		for i := range 5 {
			for _, tenant := range []string{"tenant-a", "tenant-b"} {
				e := Event{
					TenantID: tenant, At: at.Add(time.Duration(i) * time.Minute), Actor: "acc-" + tenant,
					Action: "auth.login.success", Result: ResultSuccess,
					Detail: map[string]string{"owner": tenant},
				}
				if err := s.Record(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, tenant := range []string{"tenant-a", "tenant-b"} {
			cur := ""
			seen := 0
			for {
				page, next, err := s.List(ctx, tenant, Filter{Limit: 2, Cursor: cur})
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range page {
					seen++
					if e.TenantID != tenant || e.Detail["owner"] != tenant || e.Actor != "acc-"+tenant {
						t.Fatalf("listing %s returned %+v", tenant, e)
					}
				}
				if next == "" {
					break
				}
				cur = next
			}
			if seen != 5 {
				t.Errorf("%s: saw %d events, want 5", tenant, seen)
			}
		}
		// A cursor made while paging B shows only A's events when used for A.
		_, nextB, err := s.List(ctx, "tenant-b", Filter{Limit: 1})
		if err != nil || nextB == "" {
			t.Fatalf("page of b: %q, %v", nextB, err)
		}
		page, _, err := s.List(ctx, "tenant-a", Filter{Cursor: nextB})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			if e.TenantID != "tenant-a" {
				t.Fatalf("b's cursor leaked %+v", e)
			}
		}
		if none, _, err := s.List(ctx, "tenant-c", Filter{}); err != nil || len(none) != 0 {
			t.Errorf("tenant-c = %v, %v", none, err)
		}
	})
}

func TestStorePagingAndFilters(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s := NewStore(bdb)
		base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		actions := []string{"auth.login.success", "auth.login.failure", "auth.totp.enable", "auth.login_x.odd", "account.signup"}
		const n = 23
		for i := range n {
			// Several events share a timestamp, so ordering must fall back to the id.
			e := Event{
				TenantID: "tenant-a", At: base.Add(time.Duration(i/3) * time.Second), Actor: ActorSystem,
				Action: actions[i%len(actions)], Result: ResultSuccess,
				Detail: map[string]string{"i": strings.Repeat("x", i)},
			}
			if err := s.Record(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		all, next, err := s.List(ctx, "tenant-a", Filter{Limit: MaxLimit})
		if err != nil || next != "" || len(all) != n {
			t.Fatalf("all = %d, %q, %v", len(all), next, err)
		}
		for i := 1; i < len(all); i++ {
			a, b := all[i-1], all[i]
			if a.At.Before(b.At) || (a.At.Equal(b.At) && a.ID < b.ID) {
				t.Fatalf("not newest first at %d: %v/%s then %v/%s", i, a.At, a.ID, b.At, b.ID)
			}
		}

		// Paging with the cursor visits every event exactly once, in the same order.
		var paged []Event
		cur := ""
		for pages := 0; ; pages++ {
			if pages > n {
				t.Fatal("paging does not end")
			}
			page, next, err := s.List(ctx, "tenant-a", Filter{Limit: 4, Cursor: cur})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 || len(page) > 4 {
				t.Fatalf("page of %d", len(page))
			}
			paged = append(paged, page...)
			if next == "" {
				break
			}
			cur = next
		}
		if len(paged) != n {
			t.Fatalf("paged %d events, want %d", len(paged), n)
		}
		for i := range paged {
			if paged[i].ID != all[i].ID {
				t.Fatalf("page order differs at %d", i)
			}
		}

		count := func(f Filter) int {
			t.Helper()
			f.Limit = MaxLimit
			got, _, err := s.List(ctx, "tenant-a", f)
			if err != nil {
				t.Fatalf("list %+v: %v", f, err)
			}
			for _, e := range got {
				if !f.From.IsZero() && e.At.Before(f.From) || !f.To.IsZero() && !e.At.Before(f.To) {
					t.Errorf("%+v returned %v", f, e.At)
				}
			}
			return len(got)
		}
		// Action: exact, or a dotted prefix; "auth.login" must not match "auth.login_x".
		if got := count(Filter{Action: "auth.login.success"}); got != 5 {
			t.Errorf("exact action: %d, want 5", got)
		}
		if got := count(Filter{Action: "auth.login"}); got != 10 {
			t.Errorf("prefix auth.login: %d, want 10", got)
		}
		if got := count(Filter{Action: "auth"}); got != 19 {
			t.Errorf("prefix auth: %d, want 19", got)
		}
		if got := count(Filter{Action: "auth.log"}); got != 0 {
			t.Errorf("partial word auth.log: %d, want 0", got)
		}
		// Time window: [From, To).
		if got := count(Filter{From: base.Add(2 * time.Second), To: base.Add(5 * time.Second)}); got != 9 {
			t.Errorf("window: %d, want 9", got)
		}
		if got := count(Filter{From: base.Add(7 * time.Second)}); got != 2 {
			t.Errorf("from: %d, want 2", got)
		}
		if got := count(Filter{To: base.Add(time.Second)}); got != 3 {
			t.Errorf("to: %d, want 3", got)
		}
		// Default and maximum page sizes.
		if got, _, _ := s.List(ctx, "tenant-a", Filter{Limit: 10 * MaxLimit}); len(got) != n {
			t.Errorf("big limit: %d", len(got))
		}
		for _, f := range []Filter{{Limit: -1}, {Action: "Auth"}, {Action: "auth."}, {Cursor: "%%%"}, {From: base, To: base}} {
			if _, _, err := s.List(ctx, "tenant-a", f); !errors.Is(err, ErrInvalid) {
				t.Errorf("filter %+v: err = %v, want ErrInvalid", f, err)
			}
		}
	})
}

func TestStoreInCallerTransaction(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s := NewStore(bdb)
		rollback := errors.New("roll back")
		err := db.Tx(ctx, bdb, func(ctx context.Context) error {
			if err := s.Record(ctx, Event{TenantID: "tenant-a", Actor: ActorSystem, Action: "test.rolled.back", Result: ResultSuccess}); err != nil {
				return err
			}
			got, _, err := s.List(ctx, "tenant-a", Filter{})
			if err != nil || len(got) != 1 {
				t.Errorf("inside tx: %v, %v", got, err)
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("tx: %v", err)
		}
		err = db.Tx(ctx, bdb, func(ctx context.Context) error {
			return s.Record(ctx, Event{TenantID: "tenant-a", Actor: ActorSystem, Action: "test.committed", Result: ResultSuccess})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := s.List(ctx, "tenant-a", Filter{})
		if err != nil || len(got) != 1 || got[0].Action != "test.committed" {
			t.Fatalf("after tx: %+v, %v", got, err)
		}
	})
}

func TestDatabaseRefusesChanges(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s := NewStore(bdb)
		if err := s.Record(ctx, Event{TenantID: "tenant-a", Actor: ActorSystem, Action: "test.kept", Result: ResultSuccess}); err != nil {
			t.Fatal(err)
		}
		stmts := []string{
			"UPDATE audit_events SET result = 'failure'",
			"DELETE FROM audit_events",
		}
		if db.DialectName(bdb) == db.Postgres {
			stmts = append(stmts, "TRUNCATE audit_events")
		}
		for _, q := range stmts {
			if _, err := bdb.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		}
		got, _, err := s.List(ctx, "tenant-a", Filter{})
		if err != nil || len(got) != 1 || got[0].Result != ResultSuccess {
			t.Fatalf("event changed: %+v, %v", got, err)
		}
	})
}

func TestStoreOrdersSubsecondTimes(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		s := NewStore(bdb)
		base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		offsets := []time.Duration{
			time.Second, 1500 * time.Millisecond, 1050 * time.Millisecond, 1123456 * time.Microsecond,
			2 * time.Second, 999999 * time.Microsecond, 10 * time.Second, 9999 * time.Millisecond,
		}
		for _, d := range offsets {
			if err := s.Record(ctx, Event{TenantID: "tenant-a", At: base.Add(d), Actor: ActorSystem, Action: "test.time", Result: ResultSuccess}); err != nil {
				t.Fatal(err)
			}
		}
		got, _, err := s.List(ctx, "tenant-a", Filter{})
		if err != nil || len(got) != len(offsets) {
			t.Fatalf("list: %d, %v", len(got), err)
		}
		for i := 1; i < len(got); i++ {
			if !got[i-1].At.After(got[i].At) {
				t.Fatalf("order: %v before %v", got[i-1].At, got[i].At)
			}
		}
		if n := len(offsets); !got[n-1].At.Equal(base.Add(999999 * time.Microsecond)) {
			t.Errorf("oldest = %v", got[n-1].At)
		}
		window, _, err := s.List(ctx, "tenant-a", Filter{From: base.Add(time.Second), To: base.Add(1500 * time.Millisecond)})
		if err != nil || len(window) != 3 {
			t.Errorf("window [1s, 1.5s) = %d events, want 3 (%v)", len(window), err)
		}
	})
}
