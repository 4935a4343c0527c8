package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/securemailbox/securemailbox/internal/testkit"
)

func TestOptionsValidate(t *testing.T) {
	base := t.TempDir()
	good := func() Options {
		return Options{Regions: []RegionOptions{regionDirs(base, "se", "Sweden"), regionDirs(base, "de", "Germany")}, DefaultRegion: "se"}
	}
	s3 := func(name, ep, bucket string) SiteOptions {
		return SiteOptions{Name: name, Kind: KindS3, Endpoint: ep, Bucket: bucket}
	}
	tests := []struct {
		name string
		edit func(*Options)
		want string // "" = valid
	}{
		{"default options", func(o *Options) { *o = DefaultOptions(base) }, ""},
		{"two regions", func(*Options) {}, ""},
		{"single region, default implied", func(o *Options) { o.Regions = o.Regions[:1]; o.DefaultRegion = "" }, ""},
		{"s3 region", func(o *Options) {
			o.Regions[1].Sites = []SiteOptions{s3("a", "https://s3.example:443", "x"), s3("b", "s3.example:443", "y"), s3("c", "other:9000", "x")}
		}, ""},
		{"no regions", func(o *Options) { o.Regions = nil }, "no region"},
		{"two sites", func(o *Options) { o.Regions[0].Sites = o.Regions[0].Sites[:2] }, "want exactly 3"},
		{"four sites", func(o *Options) {
			o.Regions[0].Sites = append(o.Regions[0].Sites, SiteOptions{Name: "d", Kind: KindDir, Dir: filepath.Join(base, "d")})
		}, "want exactly 3"},
		{"unknown default", func(o *Options) { o.DefaultRegion = "us" }, "default region"},
		{"bad region id", func(o *Options) { o.Regions[0].ID = "SE/1" }, "region id"},
		{"duplicate region", func(o *Options) { o.Regions[1].ID = "se" }, "twice"},
		{"empty name", func(o *Options) { o.Regions[0].Name = " " }, "display name"},
		{"duplicate site name", func(o *Options) { o.Regions[0].Sites[1].Name = "a" }, "used twice"},
		{"shared dir across regions", func(o *Options) { o.Regions[1].Sites[0].Dir = o.Regions[0].Sites[0].Dir }, "overlaps"},
		{"nested dir", func(o *Options) { o.Regions[0].Sites[1].Dir = filepath.Join(o.Regions[0].Sites[0].Dir, "x") }, "overlaps"},
		{"empty dir", func(o *Options) { o.Regions[0].Sites[1].Dir = "" }, "empty dir"},
		{"unknown kind", func(o *Options) { o.Regions[0].Sites[1].Kind = "ftp" }, "kind"},
		{"s3 without bucket", func(o *Options) { o.Regions[1].Sites[0] = s3("a", "h:1", "") }, "endpoint and bucket"},
		{"same bucket twice", func(o *Options) {
			o.Regions[1].Sites = []SiteOptions{s3("a", "h:1", "x"), s3("b", "http://h:1", "x"), s3("c", "h:1", "z")}
		}, "already used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good()
			tt.edit(&o)
			err := o.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "blob: options:") {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestDefaultOptionsOpen(t *testing.T) {
	bdb, _ := testkit.NewSQLite(t)
	dir := filepath.Join(t.TempDir(), "fresh")
	reg := prometheus.NewRegistry()
	opts := DefaultOptions(dir)
	opts.Registerer = reg
	s, err := Open(context.Background(), bdb, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A second store on the same registry shares the collectors.
	s2, err := Open(context.Background(), bdb, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	regs := s.Regions()
	if len(regs) != 1 || regs[0].ID != "se" || regs[0].Name != "Sweden (EU)" || !regs[0].Default ||
		strings.Join(regs[0].Sites, ",") != "se/a,se/b,se/c" || DefaultOptions("x").NewTenantRegion() != "se" || !s.HasRegion("se") || s.HasRegion("de") {
		t.Fatalf("regions: %+v", regs)
	}
	for _, st := range s.Check(context.Background()) {
		if !st.Reachable || !st.Writable || st.Err != nil {
			t.Fatalf("fresh data dir: %+v", st)
		}
	}
	scope := Scope{Tenant: "tenant1", Region: "se"}
	ref, err := s2.Put(context.Background(), scope, strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	// A finding counts in the shared registry.
	if err := s.Repair(context.Background(), ref.ID); err != nil {
		t.Fatal(err)
	}
	s.finding("scrub", ref.ID, "se/a", "corrupt", nil)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, mf := range mfs {
		if mf.GetName() != "securemailbox_blob_findings_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetCounter().GetValue() == 1 && len(m.GetLabel()) == 3 {
				found = true
			}
		}
	}
	if !found {
		t.Fatal("finding not counted in the registry")
	}
	_ = s.Close()
	_ = s2.Close()
}

// countingReader produces n pseudo-random bytes without holding them.
type countingReader struct {
	left  int64
	block []byte
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := copy(p, r.block[:min(int64(len(r.block)), r.left, int64(len(p)))])
	r.left -= int64(n)
	return n, nil
}

// peakHeap samples the heap while fn runs and returns the highest in-use size seen.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak.Load()
}

// TestConstantMemory streams an object far larger than the pipeline through Put and Get and
// checks that the heap does not grow with it.
func TestConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 128 MiB")
	}
	f := newFixture(t, nil, Options{})
	scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
	const size = 128 << 20
	block := payload(1, chunkSize+13)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var ref Ref
	peak := peakHeap(func() {
		var err error
		ref, err = f.s.Put(context.Background(), scope, &countingReader{left: size, block: block})
		if err != nil {
			t.Error(err)
			return
		}
		rc, err := f.s.Get(context.Background(), ref)
		if err != nil {
			t.Error(err)
			return
		}
		n, err := io.Copy(io.Discard, rc)
		_ = rc.Close()
		if err != nil || n != size {
			t.Errorf("read %d bytes: %v", n, err)
		}
	})
	growth := int64(peak) - int64(before.HeapInuse)
	t.Logf("heap before %d MiB, peak %d MiB, growth %d MiB for a %d MiB object",
		before.HeapInuse>>20, peak>>20, growth>>20, size>>20)
	if growth > 32<<20 {
		t.Fatalf("heap grew by %d MiB while streaming %d MiB", growth>>20, size>>20)
	}
}

// TestChainingValue: the chunk check is a property of the bytes, not of how they were
// written, and a foreign hash state is refused rather than misread.
func TestChainingValue(t *testing.T) {
	data := payload(9, 2*chunkSize)
	one := sha256.New()
	one.Write(data[:chunkSize])
	many := sha256.New()
	for i := 0; i < chunkSize; i += 4096 + 64 {
		many.Write(data[i:min(i+4096+64, chunkSize)])
	}
	a, err := chainingValue(one)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := chainingValue(many)
	if !bytes.Equal(a, b) || len(a) != 32 {
		t.Fatal("chaining value depends on write boundaries")
	}
	other := sha256.New()
	flipped := bytes.Clone(data[:chunkSize])
	flipped[chunkSize/2] ^= 1
	other.Write(flipped)
	if c, _ := chainingValue(other); bytes.Equal(a, c) {
		t.Fatal("a flipped byte keeps the chaining value")
	}
	if _, err := chainingValue(sha512.New()); !errors.Is(err, errHashState) {
		t.Fatalf("sha512 state: %v", err)
	}
}

func TestNewTenantRegionIsTheFirstWithoutADefault(t *testing.T) {
	base := t.TempDir()
	o := Options{Regions: []RegionOptions{regionDirs(base, "de", "Germany"), regionDirs(base, "se", "Sweden")}}
	if got := o.NewTenantRegion(); got != "de" {
		t.Fatalf("new tenants go to %q, want the first configured", got)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("two regions without a default: %v", err)
	}
	o.DefaultRegion = "se"
	if got := o.NewTenantRegion(); got != "se" {
		t.Fatalf("new tenants go to %q, want the default", got)
	}
}
