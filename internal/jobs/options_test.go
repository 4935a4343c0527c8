package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
)

type uniqueArgs struct {
	ObjectID string `json:"object_id"`
}

func (uniqueArgs) Kind() string { return "test.unique" }
func (uniqueArgs) Unique() bool { return true }

// At most one job per arguments waits; other arguments are separate jobs.
func TestUniqueJobs(t *testing.T) {
	forEachDB(t, func(t *testing.T, bdb *bun.DB, url string) {
		w := NewWorkers()
		Register(w, func(ctx context.Context, a uniqueArgs) error { return nil })
		c := newClient(t, bdb, url, w, Options{}) // never started: jobs stay available
		ctx := context.Background()
		for _, id := range []string{"a", "a", "a", "b"} {
			if err := c.Enqueue(ctx, uniqueArgs{ObjectID: id}); err != nil {
				t.Fatal(err)
			}
		}
		if got := len(jobStates(t, bdb, "test.unique")); got != 2 {
			t.Fatalf("jobs = %d, want 2 (one per object)", got)
		}
	})
}

type shortArgs struct{}

func (shortArgs) Kind() string           { return "test.short" }
func (shortArgs) Timeout() time.Duration { return 100 * time.Millisecond }

// A job's own Timeout bounds its context.
func TestJobTimeout(t *testing.T) {
	forEachDB(t, func(t *testing.T, bdb *bun.DB, url string) {
		w := NewWorkers()
		got := make(chan error, 1)
		Register(w, func(ctx context.Context, _ shortArgs) error {
			<-ctx.Done()
			select {
			case got <- ctx.Err():
			default:
			}
			return Permanent(ctx.Err())
		})
		c := newClient(t, bdb, url, w, Options{})
		if err := c.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := c.Enqueue(context.Background(), shortArgs{}); err != nil {
			t.Fatal(err)
		}
		if err := wait(t, got, "timeout"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("ctx error %v, want a deadline", err)
		}
	})
}

// Enqueue joins the context's transaction: a rollback takes the job with it.
func TestEnqueueJoinsContextTx(t *testing.T) {
	forEachDB(t, func(t *testing.T, bdb *bun.DB, url string) {
		w := NewWorkers()
		Register(w, func(ctx context.Context, a uniqueArgs) error { return nil })
		c := newClient(t, bdb, url, w, Options{})
		boom := errors.New("boom")
		err := db.Tx(context.Background(), bdb, func(ctx context.Context) error {
			if err := c.Enqueue(ctx, uniqueArgs{ObjectID: "rolled-back"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if got := len(jobStates(t, bdb, "test.unique")); got != 0 {
			t.Fatalf("a rolled-back job is visible (%d)", got)
		}
		if err := c.Enqueue(context.Background(), uniqueArgs{ObjectID: "plain"}); err != nil {
			t.Fatal(err)
		}
		if got := len(jobStates(t, bdb, "test.unique")); got != 1 {
			t.Fatalf("jobs = %d", got)
		}
	})
}
