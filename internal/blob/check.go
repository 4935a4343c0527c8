package blob

import (
	"context"
	"sync"
	"time"
)

// SiteStatus is what `doctor` shows for one site.
type SiteStatus struct {
	Region     string
	Site       string // "region/name"
	Kind       string
	Reachable  bool
	Writable   bool          // a probe was written durably, read back and removed
	FreeBytes  int64         // dir sites; -1 when unknown
	ClockSkew  time.Duration // S3: the server's Date header minus our clock (1 s resolution)
	Versioning string        // S3: bucket versioning ("Off", "Enabled", "Suspended")
	Latency    time.Duration // of the whole check
	Err        error
}

// checkTimeout bounds the probe of one site.
const checkTimeout = 15 * time.Second

// Check probes every site in parallel: reachable, writable (a small probe object written,
// read back and removed), free space for directories, clock skew and versioning for S3.
func (s *Store) Check(ctx context.Context) []SiteStatus {
	var out []SiteStatus
	var sites []site
	for _, r := range s.order {
		for _, st := range r.sites {
			out = append(out, SiteStatus{Region: r.id})
			sites = append(sites, st)
		}
	}
	var wg sync.WaitGroup
	for i, st := range sites {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, checkTimeout)
			defer cancel()
			r := out[i].Region
			out[i] = st.Check(cctx)
			out[i].Region = r
		})
	}
	wg.Wait()
	return out
}
