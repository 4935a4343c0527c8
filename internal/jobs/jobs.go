package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
)

// Args are a job's arguments: a struct with JSON tags holding ids only, whose Kind names the
// job ("auth.cleanup_expired"). It is an alias, so packages that enqueue can declare the same
// alias in their own one-method interfaces and *Client satisfies them.
type Args = interface{ Kind() string }

// Options configure a Client.
type Options struct {
	// DatabaseURL is the database the jobs live in; the databaseURL argument of New wins when
	// both are set, and they must agree.
	DatabaseURL string
	Workers     int          // jobs worked at once by this process; 0 means 4
	Logger      *slog.Logger // nil means slog.Default()
	Periodic    []Periodic   // run by whichever process is River's leader
	Queue       string       // the queue this client inserts into and works; "" means "default"

	// pollInterval, when set, replaces River's fetch poll interval (tests only).
	pollInterval time.Duration
}

// Periodic is a job inserted every Every, with the same arguments each time.
type Periodic struct {
	Every      time.Duration
	Args       Args
	RunOnStart bool // also insert one as soon as this process becomes the leader
}

// Workers is the registry of job kinds and the functions that work them.
type Workers struct {
	rw    *river.Workers
	kinds map[string]bool
}

// NewWorkers returns an empty registry.
func NewWorkers() *Workers {
	return &Workers{rw: river.NewWorkers(), kinds: map[string]bool{}}
}

// Register makes fn work every job of T's kind. T is a struct type with JSON tags. A job
// whose fn returns an error is retried with backoff (wrap the error with Permanent to stop
// retrying); fn should honour ctx, which is cancelled when the job times out or a stop runs
// out of time. Register panics, like River, on a kind registered twice, and on an argument
// type with a field named like a secret or content: both are programming errors. Register
// every kind before New; the registry is not safe for use while a client runs.
func Register[T Args](w *Workers, fn func(ctx context.Context, args T) error) {
	var zero T
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("jobs: register %s: arguments must be a struct type", t))
	}
	if err := checkArgsType(t); err != nil {
		panic(fmt.Sprintf("jobs: register %s: %v", zero.Kind(), err))
	}
	if err := river.AddWorkerSafely(w.rw, &funcWorker[T]{fn: fn}); err != nil {
		panic(fmt.Sprintf("jobs: register %s: %v", zero.Kind(), err))
	}
	w.kinds[zero.Kind()] = true
}

// Timeouter is implemented by arguments whose jobs may run longer (or must stop sooner)
// than River's default of one minute: a scrub or a residency move walks every object.
type Timeouter interface{ Timeout() time.Duration }

// Uniquer is implemented by arguments of which at most one job may wait or run at a time
// for the same arguments (a repair of one object, requested by every read that meets a bad
// copy). A job that has finished does not block a new one.
type Uniquer interface{ Unique() bool }

// funcWorker works one kind with fn, honouring the arguments' Timeouter.
type funcWorker[T Args] struct {
	river.WorkerDefaults[T]
	fn func(ctx context.Context, args T) error
}

func (w *funcWorker[T]) Work(ctx context.Context, job *river.Job[T]) error {
	return w.fn(ctx, job.Args)
}

func (w *funcWorker[T]) Timeout(job *river.Job[T]) time.Duration {
	if t, ok := any(job.Args).(Timeouter); ok {
		return t.Timeout()
	}
	return 0 // the client's default
}

// Permanent marks a job's error as final: the job is cancelled instead of retried (e.g. the
// row it works on is gone).
func Permanent(err error) error { return river.JobCancel(err) }

// riverClient is the part of river.Client[TTx] that does not depend on the driver's
// transaction type.
type riverClient interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

// Client enqueues and works jobs. It is safe for concurrent use.
type Client struct {
	bdb      *bun.DB // whose context transactions Enqueue joins
	queue    string
	kinds    map[string]bool
	working  bool // at least one worker is registered
	river    riverClient
	insertTx func(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	closers  []func()

	mu      sync.Mutex
	started bool
	closed  bool
}

// hardStopWait is how long Stop waits for cancelled jobs to return once its own context is
// done.
const hardStopWait = 10 * time.Second

func resolveURL(bdb *bun.DB, databaseURL, optURL string) (string, error) {
	url := databaseURL
	if url == "" {
		url = optURL
	}
	if url == "" {
		return "", errors.New("jobs: database URL is required")
	}
	if optURL != "" && optURL != url {
		return "", errors.New("jobs: Options.DatabaseURL differs from the database URL given")
	}
	if db.IsPostgresURL(url) != (db.DialectName(bdb) == db.Postgres) {
		return "", errors.New("jobs: the database URL and the open database are of different kinds")
	}
	return url, nil
}

// migrator is River's schema migrator on bdb: the same tables and versions as the
// riverpgxv5 driver on PostgreSQL, and riversqlite's own on SQLite.
type migrator interface {
	Migrate(ctx context.Context, direction rivermigrate.Direction, opts *rivermigrate.MigrateOpts) (*rivermigrate.MigrateResult, error)
	ExistingVersions(ctx context.Context) ([]rivermigrate.Migration, error)
	AllVersions() []rivermigrate.Migration
}

func newMigrator(bdb *bun.DB, databaseURL string) (migrator, error) {
	if _, err := resolveURL(bdb, databaseURL, ""); err != nil {
		return nil, err
	}
	cfg := &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)}
	var (
		m   migrator
		err error
	)
	if db.DialectName(bdb) == db.Postgres {
		m, err = rivermigrate.New(riverdatabasesql.New(bdb.DB), cfg)
	} else {
		m, err = rivermigrate.New(riversqlite.New(bdb.DB), cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: migrator: %w", err)
	}
	return m, nil
}

// Migrate creates or updates River's tables (both dialects), through bdb; databaseURL must
// name the same kind of database. `securemailbox migrate` calls it after the schema
// migrations.
func Migrate(ctx context.Context, bdb *bun.DB, databaseURL string) error {
	m, err := newMigrator(bdb, databaseURL)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// Pending returns the names of River's migrations not yet applied, like migrations.Pending
// does for the schema, so the server can refuse to start on outdated job tables.
func Pending(ctx context.Context, bdb *bun.DB, databaseURL string) ([]string, error) {
	m, err := newMigrator(bdb, databaseURL)
	if err != nil {
		return nil, err
	}
	have, err := m.ExistingVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("jobs: migration status: %w", err)
	}
	applied := map[int]bool{}
	for _, v := range have {
		applied[v.Version] = true
	}
	var names []string
	for _, v := range m.AllVersions() {
		if !applied[v.Version] {
			names = append(names, fmt.Sprintf("river %03d %s", v.Version, v.Name))
		}
	}
	return names, nil
}

// New builds a client on the database bdb is open on (databaseURL names the same one). On
// SQLite it opens a pool of its own with one connection (River does many small operations
// at once, which SQLite answers with "database is locked" on a larger pool); on PostgreSQL a
// pgx pool from the same URL. Stop releases them. New does not start working: call Start.
func New(ctx context.Context, bdb *bun.DB, databaseURL string, w *Workers, o Options) (*Client, error) {
	url, err := resolveURL(bdb, databaseURL, o.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if w == nil {
		w = NewWorkers()
	}
	c := &Client{bdb: bdb, queue: o.Queue, kinds: w.kinds, working: len(w.kinds) > 0}
	if c.queue == "" {
		c.queue = river.QueueDefault
	}
	if o.Workers < 0 || o.Workers > river.QueueNumWorkersMax {
		return nil, fmt.Errorf("jobs: %d workers is out of range", o.Workers)
	}
	if o.Workers == 0 {
		o.Workers = 4
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	cfg := &river.Config{Logger: logger}
	if o.pollInterval > 0 {
		cfg.FetchPollInterval = o.pollInterval
		cfg.FetchCooldown = o.pollInterval / 2
	}
	if c.working {
		cfg.Workers = w.rw
		cfg.Queues = map[string]river.QueueConfig{c.queue: {MaxWorkers: o.Workers}}
	}
	for i, p := range o.Periodic {
		if p.Args == nil || p.Every <= 0 {
			return nil, fmt.Errorf("jobs: periodic job %d needs arguments and a positive interval", i)
		}
		if err := checkArgs(p.Args); err != nil {
			return nil, err
		}
		if !c.kinds[p.Args.Kind()] {
			return nil, fmt.Errorf("jobs: periodic job %s has no registered worker", p.Args.Kind())
		}
		args, every, queue := p.Args, p.Every, c.queue
		cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(
			river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) {
				// Unique per period, so a change of leader does not insert the same run twice.
				return args, &river.InsertOpts{Queue: queue, UniqueOpts: river.UniqueOpts{ByPeriod: every}}
			},
			&river.PeriodicJobOpts{RunOnStart: p.RunOnStart},
		))
	}

	if db.IsPostgresURL(url) {
		pcfg, err := pgxpool.ParseConfig(url)
		if err != nil {
			// The parse error repeats the URL, and with it perhaps a password.
			return nil, errors.New("jobs: the PostgreSQL database URL cannot be parsed")
		}
		if !strings.Contains(url, "pool_max_conns") {
			pcfg.MaxConns = max(pcfg.MaxConns, 8)
		}
		pool, err := pgxpool.NewWithConfig(ctx, pcfg)
		if err != nil {
			return nil, fmt.Errorf("jobs: open postgres pool: %w", err)
		}
		c.closers = append(c.closers, pool.Close)
		rc, err := river.NewClient(riverpgxv5.New(pool), cfg)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("jobs: river client: %w", err)
		}
		// Inserts in a caller's bun transaction go through River's database/sql driver on that
		// transaction; this client only inserts.
		txc, err := river.NewClient(riverdatabasesql.New(bdb.DB), &river.Config{Logger: logger, SkipUnknownJobCheck: true})
		if err != nil {
			c.close()
			return nil, fmt.Errorf("jobs: river insert client: %w", err)
		}
		c.river, c.insertTx = rc, txc.InsertTx
		return c, nil
	}

	rdb, err := db.Open(ctx, db.Options{URL: url, MaxOpenConns: 1})
	if err != nil {
		return nil, fmt.Errorf("jobs: open river pool: %w", err)
	}
	c.closers = append(c.closers, func() { _ = rdb.Close() })
	rc, err := river.NewClient(riversqlite.New(rdb.DB), cfg)
	if err != nil {
		c.close()
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	// riversqlite's transaction type is *sql.Tx: the caller's bun transaction serves as is.
	c.river, c.insertTx = rc, rc.InsertTx
	return c, nil
}

func (c *Client) insertOpts(args Args) *river.InsertOpts {
	opts := &river.InsertOpts{Queue: c.queue}
	if u, ok := args.(Uniquer); ok && u.Unique() {
		opts.UniqueOpts = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
			rivertype.JobStateRunning, rivertype.JobStateScheduled,
		}}
	}
	return opts
}

func (c *Client) check(args Args) error {
	if err := checkArgs(args); err != nil {
		return err
	}
	if !c.kinds[args.Kind()] {
		return fmt.Errorf("jobs: enqueue %s: no worker is registered for this kind", args.Kind())
	}
	return nil
}

// Enqueue inserts a job in the transaction ctx carries (db.Tx on the client's database), so
// it commits or rolls back with the action that asked for it; outside a transaction it is
// inserted on its own. It refuses arguments that carry more than ids (ErrUnsafeArgs) and
// kinds with no registered worker.
func (c *Client) Enqueue(ctx context.Context, args Args) error {
	if tx, ok := db.Conn(ctx, c.bdb).(bun.Tx); ok {
		return c.EnqueueTx(ctx, tx, args)
	}
	if err := c.check(args); err != nil {
		return err
	}
	if _, err := c.river.Insert(ctx, args, c.insertOpts(args)); err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// EnqueueTx inserts a job in the caller's transaction: it becomes visible to workers when tx
// commits and vanishes if it rolls back. tx must belong to the database the client was built
// on. The same refusals as Enqueue apply.
func (c *Client) EnqueueTx(ctx context.Context, tx bun.Tx, args Args) error {
	if err := c.check(args); err != nil {
		return err
	}
	if tx.Tx == nil {
		return fmt.Errorf("jobs: enqueue %s: no transaction", args.Kind())
	}
	if _, err := c.insertTx(ctx, tx.Tx, args, c.insertOpts(args)); err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Start begins working jobs (and, on the leader, inserting periodic ones) until Stop. The
// work outlives ctx on purpose: only Stop ends it, so a shutdown can wait for running jobs.
func (c *Client) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errors.New("jobs: start: client is stopped")
	}
	if !c.working {
		return errors.New("jobs: start: no workers are registered")
	}
	if err := c.river.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	c.started = true
	return nil
}

// Stop stops fetching jobs, waits for running ones to finish, and releases the client's
// database pools. When ctx ends first, running jobs are cancelled and given a few more
// seconds to return, and ctx's error is reported. The client cannot be used afterwards.
func (c *Client) Stop(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	var stopErr error
	if c.started {
		if err := c.river.Stop(ctx); err != nil {
			stopErr = fmt.Errorf("jobs: stop: %w", err)
			hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hardStopWait)
			if err := c.river.StopAndCancel(hctx); err != nil {
				stopErr = errors.Join(stopErr, fmt.Errorf("jobs: stop and cancel: %w", err))
			}
			cancel()
		}
	}
	c.close()
	c.closed = true
	return stopErr
}

func (c *Client) close() {
	for i := len(c.closers) - 1; i >= 0; i-- {
		c.closers[i]()
	}
	c.closers = nil
}
