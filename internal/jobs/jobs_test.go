package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/testkit"
)

// forEachDB runs fn on a migrated SQLite file and, when TEST_DATABASE_URL is set, on a fresh
// PostgreSQL schema, with River's tables in place and the URL that names the same database.
func forEachDB(t *testing.T, fn func(t *testing.T, bdb *bun.DB, url string)) {
	t.Helper()
	t.Run(db.SQLite, func(t *testing.T) {
		t.Parallel()
		bdb, path := testkit.NewSQLite(t)
		if err := Migrate(context.Background(), bdb, path); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		fn(t, bdb, path)
	})
	t.Run(db.Postgres, func(t *testing.T) {
		t.Parallel()
		bdb := testkit.NewPostgres(t)
		url := postgresURL(t, bdb)
		if err := Migrate(context.Background(), bdb, url); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		fn(t, bdb, url)
	})
}

// postgresURL returns the URL of the throwaway schema testkit opened bdb on.
func postgresURL(t *testing.T, bdb *bun.DB) string {
	t.Helper()
	var schema string
	if err := bdb.QueryRowContext(context.Background(), "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	url := os.Getenv(testkit.PostgresEnv)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema
}

// testLogger passes River's warnings and errors to the test log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func newClient(t *testing.T, bdb *bun.DB, url string, w *Workers, o Options) *Client {
	t.Helper()
	o.Logger = testLogger(t)
	o.pollInterval = 50 * time.Millisecond
	c, err := New(context.Background(), bdb, url, w, o)
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = c.Stop(ctx)
	})
	return c
}

func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

func jobStates(t *testing.T, bdb *bun.DB, kind string) []string {
	t.Helper()
	var states []string
	if err := bdb.NewSelect().Table("river_job").Column("state").Where("kind = ?", kind).OrderExpr("id").Scan(context.Background(), &states); err != nil {
		t.Fatalf("job states: %v", err)
	}
	return states
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type pingArgs struct {
	MessageID string `json:"message_id"`
}

func (pingArgs) Kind() string { return "test.ping" }

func TestJobRuns(t *testing.T) {
	forEachDB(t, func(t *testing.T, bdb *bun.DB, url string) {
		got := make(chan string, 1)
		w := NewWorkers()
		Register(w, func(ctx context.Context, a pingArgs) error {
			got <- a.MessageID
			return nil
		})
		c := newClient(t, bdb, url, w, Options{Workers: 2})
		ctx := context.Background()
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := c.Enqueue(ctx, pingArgs{MessageID: "msg-1"}); err != nil {
			t.Fatal(err)
		}
		if id := wait(t, got, "the job"); id != "msg-1" {
			t.Fatalf("job got %q", id)
		}
		eventually(t, "completed state", func() bool {
			s := jobStates(t, bdb, "test.ping")
			return len(s) == 1 && s[0] == "completed"
		})
	})
}

type txArgs struct {
	AccountID string `json:"account_id"`
}

func (txArgs) Kind() string { return "test.tx" }

func TestEnqueueTx(t *testing.T) {
	forEachDB(t, func(t *testing.T, bdb *bun.DB, url string) {
		got := make(chan string, 4)
		w := NewWorkers()
		Register(w, func(ctx context.Context, a txArgs) error {
			got <- a.AccountID
			return nil
		})
		c := newClient(t, bdb, url, w, Options{})
		ctx := context.Background()

		rollback := errors.New("roll back")
		err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := c.EnqueueTx(ctx, tx, txArgs{AccountID: "rolled-back"}); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("tx: %v", err)
		}
		if s := jobStates(t, bdb, "test.tx"); len(s) != 0 {
			t.Fatalf("rolled-back job exists: %v", s)
		}
		err = bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx, "SELECT 1"); err != nil {
				return err
			}
			return c.EnqueueTx(ctx, tx, txArgs{AccountID: "committed"})
		})
		if err != nil {
			t.Fatalf("tx: %v", err)
		}
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if id := wait(t, got, "the committed job"); id != "committed" {
			t.Fatalf("job got %q", id)
		}
		select {
		case id := <-got:
			t.Fatalf("a second job ran: %q", id)
		case <-time.After(300 * time.Millisecond):
		}
	})
}

type flakyArgs struct {
	MessageID string `json:"message_id"`
}

func (flakyArgs) Kind() string { return "test.flaky" }

type doomedArgs struct {
	MessageID string `json:"message_id"`
}

func (doomedArgs) Kind() string { return "test.doomed" }

func TestFailingJobRetries(t *testing.T) {
	forEachDB(t, func(t *testing.T, bdb *bun.DB, url string) {
		var flaky, doomed atomic.Int32
		done := make(chan int32, 1)
		w := NewWorkers()
		Register(w, func(ctx context.Context, a flakyArgs) error {
			n := flaky.Add(1)
			if n == 1 {
				return errors.New("temporary failure")
			}
			done <- n
			return nil
		})
		Register(w, func(ctx context.Context, a doomedArgs) error {
			doomed.Add(1)
			return Permanent(errors.New("the message is gone"))
		})
		c := newClient(t, bdb, url, w, Options{})
		ctx := context.Background()
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := c.Enqueue(ctx, flakyArgs{MessageID: "m1"}); err != nil {
			t.Fatal(err)
		}
		if err := c.Enqueue(ctx, doomedArgs{MessageID: "m2"}); err != nil {
			t.Fatal(err)
		}
		if n := wait(t, done, "the retried job"); n != 2 {
			t.Fatalf("succeeded on attempt %d, want 2", n)
		}
		eventually(t, "flaky completed", func() bool {
			s := jobStates(t, bdb, "test.flaky")
			return len(s) == 1 && s[0] == "completed"
		})
		eventually(t, "doomed cancelled", func() bool {
			s := jobStates(t, bdb, "test.doomed")
			return len(s) == 1 && s[0] == "cancelled"
		})
		if n := doomed.Load(); n != 1 {
			t.Errorf("permanent failure ran %d times, want 1", n)
		}
	})
}

type tickArgs struct{}

func (tickArgs) Kind() string { return "test.tick" }

func TestPeriodicJob(t *testing.T) {
	forEachDB(t, func(t *testing.T, bdb *bun.DB, url string) {
		ticks := make(chan time.Time, 16)
		w := NewWorkers()
		Register(w, func(ctx context.Context, _ tickArgs) error {
			ticks <- time.Now()
			return nil
		})
		c := newClient(t, bdb, url, w, Options{
			Periodic: []Periodic{{Every: time.Second, Args: tickArgs{}, RunOnStart: true}},
		})
		if err := c.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		first := wait(t, ticks, "the first run")
		second := wait(t, ticks, "the second run")
		if !second.After(first) {
			t.Errorf("runs at %v and %v", first, second)
		}
	})
}

type slowArgs struct {
	MessageID string `json:"message_id"`
}

func (slowArgs) Kind() string { return "test.slow" }

func TestStopIsGraceful(t *testing.T) {
	forEachDB(t, func(t *testing.T, bdb *bun.DB, url string) {
		started := make(chan struct{}, 1)
		var finished, cancelled atomic.Bool
		w := NewWorkers()
		Register(w, func(ctx context.Context, _ slowArgs) error {
			started <- struct{}{}
			select {
			case <-time.After(700 * time.Millisecond):
				finished.Store(true)
				return nil
			case <-ctx.Done():
				cancelled.Store(true)
				return ctx.Err()
			}
		})
		c, err := New(context.Background(), bdb, url, w, Options{Logger: testLogger(t), pollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		// A Start context that ends does not cut running jobs short; only Stop ends the client.
		startCtx, cancelStart := context.WithCancel(context.Background())
		if err := c.Start(startCtx); err != nil {
			t.Fatal(err)
		}
		if err := c.Enqueue(context.Background(), slowArgs{MessageID: "m1"}); err != nil {
			t.Fatal(err)
		}
		wait(t, started, "the slow job to start")
		cancelStart()

		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := c.Stop(ctx); err != nil {
			t.Fatalf("stop: %v", err)
		}
		if !finished.Load() || cancelled.Load() {
			t.Fatalf("finished=%v cancelled=%v, want the job to finish", finished.Load(), cancelled.Load())
		}
		if s := jobStates(t, bdb, "test.slow"); len(s) != 1 || s[0] != "completed" {
			t.Fatalf("state after stop = %v, want completed", s)
		}
		if err := c.Stop(ctx); err != nil {
			t.Errorf("second stop: %v", err)
		}
		if err := c.Start(context.Background()); err == nil {
			t.Error("start after stop succeeded")
		}
	})
}

type stuckArgs struct{}

func (stuckArgs) Kind() string { return "test.stuck" }

func TestStopCancelsWhenOutOfTime(t *testing.T) {
	forEachDB(t, func(t *testing.T, bdb *bun.DB, url string) {
		started := make(chan struct{}, 1)
		var cancelled atomic.Bool
		w := NewWorkers()
		Register(w, func(ctx context.Context, _ stuckArgs) error {
			started <- struct{}{}
			select {
			case <-time.After(time.Minute):
				return nil
			case <-ctx.Done():
				cancelled.Store(true)
				return ctx.Err()
			}
		})
		c, err := New(context.Background(), bdb, url, w, Options{Logger: testLogger(t), pollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := c.Enqueue(context.Background(), stuckArgs{}); err != nil {
			t.Fatal(err)
		}
		wait(t, started, "the stuck job to start")
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		begin := time.Now()
		err = c.Stop(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("stop: %v, want a deadline error", err)
		}
		if !cancelled.Load() {
			t.Error("the running job was not cancelled")
		}
		if d := time.Since(begin); d > hardStopWait {
			t.Errorf("stop took %v", d)
		}
	})
}

type secretArgs struct {
	AccountID string `json:"account_id"`
	Token     string `json:"token,omitempty"`
}

func (secretArgs) Kind() string { return "test.secret" }

type contentArgs struct {
	MessageID string            `json:"message_id"`
	Meta      map[string]string `json:"meta"`
}

func (contentArgs) Kind() string { return "test.content" }

func TestEnqueueRefusesSecrets(t *testing.T) {
	forEachDB(t, func(t *testing.T, bdb *bun.DB, url string) {
		w := NewWorkers()
		Register(w, func(ctx context.Context, _ contentArgs) error { return nil })
		c := newClient(t, bdb, url, w, Options{})
		ctx := context.Background()
		for _, key := range []string{"token", "secret", "code", "password", "body", "subject", "link_key", "resetToken"} {
			err := c.Enqueue(ctx, contentArgs{MessageID: "m1", Meta: map[string]string{key: "canary-4411"}})
			if !errors.Is(err, ErrUnsafeArgs) {
				t.Errorf("%s: err = %v, want ErrUnsafeArgs", key, err)
			} else if strings.Contains(err.Error(), "canary-4411") {
				t.Errorf("%s: error repeats the value: %v", key, err)
			}
		}
		err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			return c.EnqueueTx(ctx, tx, contentArgs{MessageID: "m1", Meta: map[string]string{"sms_code": "123456"}})
		})
		if !errors.Is(err, ErrUnsafeArgs) {
			t.Errorf("EnqueueTx: err = %v, want ErrUnsafeArgs", err)
		}
		if s := jobStates(t, bdb, "test.content"); len(s) != 0 {
			t.Fatalf("refused jobs were stored: %v", s)
		}
		// Ids pass.
		if err := c.Enqueue(ctx, contentArgs{MessageID: "m1", Meta: map[string]string{"region": "eu"}}); err != nil {
			t.Fatalf("ids only: %v", err)
		}
		// A kind nobody works is refused too.
		if err := c.Enqueue(ctx, pingArgs{MessageID: "m1"}); err == nil {
			t.Error("enqueued a kind with no worker")
		}
	})
}

func TestRegisterRefusesSecretFields(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "token") {
			t.Fatalf("Register accepted a type with a token field (recovered %v)", r)
		}
	}()
	Register(NewWorkers(), func(ctx context.Context, _ secretArgs) error { return nil })
}

func TestNewRefusesBadOptions(t *testing.T) {
	bdb, path := testkit.NewSQLite(t)
	ctx := context.Background()
	w := NewWorkers()
	Register(w, func(ctx context.Context, _ pingArgs) error { return nil })
	cases := map[string]struct {
		url string
		o   Options
	}{
		"no url":              {"", Options{}},
		"postgres url":        {"postgres://u@127.0.0.1:1/db", Options{}},
		"options disagree":    {path, Options{DatabaseURL: path + ".other"}},
		"unregistered period": {path, Options{Periodic: []Periodic{{Every: time.Minute, Args: tickArgs{}}}}},
		"zero period":         {path, Options{Periodic: []Periodic{{Args: pingArgs{}}}}},
		"secret period":       {path, Options{Periodic: []Periodic{{Every: time.Minute, Args: contentArgs{Meta: map[string]string{"token": "x"}}}}}},
		"negative workers":    {path, Options{Workers: -1}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := New(ctx, bdb, tc.url, w, tc.o)
			if err == nil {
				_ = c.Stop(ctx)
				t.Fatal("New accepted bad options")
			}
		})
	}
	// The URL may come from Options alone.
	c, err := New(ctx, bdb, "", w, Options{DatabaseURL: path})
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Stop(ctx)
	// With no workers a client can still be built, but not started.
	c, err = New(ctx, bdb, path, NewWorkers(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err == nil {
		t.Error("started with no workers")
	}
	_ = c.Stop(ctx)
	if err := Migrate(ctx, bdb, "postgres://u@127.0.0.1:1/db"); err == nil {
		t.Error("Migrate accepted a URL of the other kind")
	}
}

func TestMigratePending(t *testing.T) {
	check := func(t *testing.T, bdb *bun.DB, url string) {
		ctx := context.Background()
		before, err := Pending(ctx, bdb, url)
		if err != nil {
			t.Fatal(err)
		}
		if len(before) == 0 {
			t.Fatal("nothing pending on a fresh database")
		}
		if err := Migrate(ctx, bdb, url); err != nil {
			t.Fatal(err)
		}
		after, err := Pending(ctx, bdb, url)
		if err != nil || len(after) != 0 {
			t.Fatalf("pending after migrate = %v, %v", after, err)
		}
		if err := Migrate(ctx, bdb, url); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
	}
	t.Run(db.SQLite, func(t *testing.T) {
		bdb, path := testkit.NewSQLite(t)
		check(t, bdb, path)
	})
	t.Run(db.Postgres, func(t *testing.T) {
		bdb := testkit.NewPostgres(t)
		check(t, bdb, postgresURL(t, bdb))
	})
}
