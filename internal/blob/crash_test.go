package blob

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/testkit"
)

// The kill test re-runs this test binary as a child that writes in a loop; these variables
// tell the child what to do.
const (
	crashChildEnv = "BLOB_CRASH_CHILD"
	crashDBEnv    = "BLOB_CRASH_DB"
	crashDirEnv   = "BLOB_CRASH_DIR"
	crashTenant   = "crash-tenant"
)

func crashSize(i int) int { return (i*911_017)%(4*chunkSize) + 1 }

// slowReader paces a write like a network upload, so most of the time is spent streaming
// and the kill lands in the middle of writes.
type slowReader struct{ r *bytes.Reader }

func (s *slowReader) Read(p []byte) (int, error) {
	time.Sleep(time.Millisecond)
	return s.r.Read(p[:min(len(p), 128<<10)])
}

// TestCrashChild is the child's write loop; on its own it skips.
func TestCrashChild(t *testing.T) {
	if os.Getenv(crashChildEnv) == "" {
		t.Skip("helper process of TestKillDuringWrites")
	}
	ctx := context.Background()
	bdb, err := db.Open(ctx, db.Options{URL: os.Getenv(crashDBEnv)})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	s, err := Open(ctx, bdb, DefaultOptions(os.Getenv(crashDirEnv)), nil)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 2 { // two writers, so the kill finds writes in flight
		wg.Go(func() {
			for i := w; ; i += 2 {
				src := &slowReader{r: bytes.NewReader(payload(uint64(i), crashSize(i)))}
				ref, err := s.Put(ctx, Scope{Tenant: crashTenant, Region: "se"}, src)
				if err != nil {
					fmt.Println("ERR", err)
					os.Exit(2)
				}
				mu.Lock()
				fmt.Printf("ACK %d %s\n", i, ref.ID) // acknowledged: Put returned
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// TestKillDuringWrites kills a writing process with SIGKILL, then reopens its data: every
// acknowledged object verifies, nothing half-written is readable, and orphan collection
// leaves only committed objects on the sites.
func TestKillDuringWrites(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		t.Skip("inside the child")
	}
	ctx := context.Background()
	bdb, dbPath := testkit.NewSQLite(t)
	dataDir := t.TempDir()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", crashDBEnv+"="+dbPath, crashDirEnv+"="+dataDir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]int{} // object id → payload seed
	sc := bufio.NewScanner(out)
	deadline := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
	defer deadline.Stop()
	killed := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "ERR") {
			t.Errorf("child: %s", line)
		}
		f := strings.Fields(line)
		if len(f) != 3 || f[0] != "ACK" {
			continue
		}
		seed, _ := strconv.Atoi(f[1])
		acked[f[2]] = seed
		if len(acked) == 30 && !killed {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			killed = true
		}
	}
	_ = cmd.Wait()
	if !killed {
		t.Fatalf("child stopped after %d acknowledged writes", len(acked))
	}

	clock := testkit.NewClock(time.Now())
	opts := DefaultOptions(dataDir)
	opts.Now = clock.Now
	opts.OrphanGrace = time.Minute
	s, err := Open(ctx, bdb, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, s: s}
	for id, seed := range acked {
		f.mustRead(Ref{ID: id, Tenant: crashTenant}, payload(uint64(seed), crashSize(seed)))
	}
	cat := newBunCatalog(bdb)
	writing, err := cat.writingBefore(ctx, clock.Now().Add(time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range writing {
		if _, err := s.Get(ctx, Ref{ID: o.ID, Tenant: crashTenant}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("half-written object %s readable: %v", o.ID, err)
		}
	}
	rep, err := s.Scrub(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Objects < len(acked) || rep.Verified != rep.Copies || len(rep.Lost) != 0 {
		t.Fatalf("scrub after the kill: %+v", rep)
	}

	clock.Advance(time.Hour)
	n, err := s.CollectOrphans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d acknowledged, %d committed, %d writes in flight at the kill, %d orphans collected",
		len(acked), rep.Objects, len(writing), n)
	if rows, _ := cat.writingBefore(ctx, clock.Now().Add(time.Hour), 10); len(rows) != 0 {
		t.Fatalf("%d writing rows left", len(rows))
	}
	committed := map[string]bool{}
	for after := ""; ; {
		rows, err := cat.listCommitted(ctx, after, 500)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			break
		}
		for _, o := range rows {
			committed[o.ID] = true
			after = o.ID
		}
	}
	for _, st := range s.regions["se"].sites {
		if err := st.List(ctx, func(e entry) error {
			if e.Temp || !committed[e.ID] {
				t.Errorf("%s: %s left after orphan collection", st.ID(), e.Key)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for id := range acked {
		if !committed[id] {
			t.Fatalf("acknowledged %s not committed", id)
		}
	}
}
