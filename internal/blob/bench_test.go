package blob

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchSizes are the object sizes of BenchmarkPut and BenchmarkBaseline; 1 GB only when
// BLOB_BENCH_LARGE=1.
func benchSizes() []int64 {
	sizes := []int64{1 << 20, 64 << 20}
	if os.Getenv("BLOB_BENCH_LARGE") == "1" {
		sizes = append(sizes, 1<<30)
	}
	return sizes
}

func sizeName(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%dGB", n>>30)
	}
	return fmt.Sprintf("%dMB", n>>20)
}

// heapSampler records the peak of HeapInuse while it runs.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak.Load() {
				h.peak.Store(ms.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return h
}

func (h *heapSampler) finish() float64 {
	close(h.stop)
	<-h.done
	return float64(h.peak.Load()) / (1 << 20)
}

// peakRSS is the process's resident high-water mark (VmHWM) in MiB, or 0 where unknown.
// It is process-wide and never goes down, so it bounds rather than measures one size.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// baselineWrite writes size bytes to one new file in each dir in parallel, each fsynced:
// the raw cost of three durable copies, with no hashing, catalog or rename.
func baselineWrite(b *testing.B, dirs []string, size int64, block []byte, name string) {
	var wg sync.WaitGroup
	for _, d := range dirs {
		wg.Go(func() {
			f, err := os.Create(filepath.Join(d, name))
			if err != nil {
				b.Error(err)
				return
			}
			buf := make([]byte, chunkSize)
			if _, err := io.CopyBuffer(f, &countingReader{left: size, block: block}, buf); err != nil {
				b.Error(err)
			}
			if err := f.Sync(); err != nil {
				b.Error(err)
			}
			_ = f.Close()
		})
	}
	wg.Wait()
}

func removeAll(dirs []string, name string) {
	for _, d := range dirs {
		_ = os.Remove(filepath.Join(d, name))
	}
}

// BenchmarkBaseline: three parallel fsynced file writes of the same data.
func BenchmarkBaseline(b *testing.B) {
	block := payload(1, chunkSize+13)
	for _, size := range benchSizes() {
		b.Run(sizeName(size), func(b *testing.B) {
			base := b.TempDir()
			dirs := []string{filepath.Join(base, "a"), filepath.Join(base, "b"), filepath.Join(base, "c")}
			for _, d := range dirs {
				_ = os.Mkdir(d, 0o700)
			}
			b.SetBytes(size)
			h := startHeapSampler()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				baselineWrite(b, dirs, size, block, "obj")
				b.StopTimer()
				removeAll(dirs, "obj")
				b.StartTimer()
			}
			b.StopTimer()
			b.ReportMetric(h.finish(), "peak-heap-MiB")
			b.ReportMetric(peakRSS(), "peak-rss-MiB")
		})
	}
}

// BenchmarkPut stores objects on three directory sites with a SQLite catalog. It also
// runs the baseline write of the same size between iterations (outside the timer) and
// reports its throughput and the ratio, so both come from the same run and disk state.
func BenchmarkPut(b *testing.B) {
	block := payload(1, chunkSize+13)
	for _, size := range benchSizes() {
		b.Run(sizeName(size), func(b *testing.B) {
			f := newFixture(b, nil, Options{})
			scope := Scope{Tenant: "bench", Region: "se"}
			var dirs []string
			for _, st := range f.s.regions["se"].sites {
				dirs = append(dirs, f.dirs[st.ID()])
			}
			ctx := context.Background()
			b.SetBytes(size)
			h := startHeapSampler()
			var baseline time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ref, err := f.s.Put(ctx, scope, &countingReader{left: size, block: block})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				for _, st := range f.s.regions["se"].sites {
					_ = os.Remove(f.copyPath(st.ID(), ref))
				}
				t0 := time.Now()
				baselineWrite(b, dirs, size, block, "baseline")
				baseline += time.Since(t0)
				removeAll(dirs, "baseline")
				b.StartTimer()
			}
			b.StopTimer()
			b.ReportMetric(h.finish(), "peak-heap-MiB")
			b.ReportMetric(peakRSS(), "peak-rss-MiB")
			if elapsed := b.Elapsed(); elapsed > 0 && baseline > 0 {
				mbs := float64(size) * float64(b.N) / 1e6
				b.ReportMetric(mbs/baseline.Seconds(), "baseline-MB/s")
				b.ReportMetric(100*baseline.Seconds()/elapsed.Seconds(), "%-of-baseline")
			}
		})
	}
}
