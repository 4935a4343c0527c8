package blob

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Site kinds.
const (
	KindDir = "dir"
	KindS3  = "s3"
)

// SitesPerRegion is the number of sites every region must have. A write is acknowledged
// when WriteQuorum of them hold it durably.
const (
	SitesPerRegion = 3
	WriteQuorum    = 2
)

// DefaultOrphanGrace is how old an unreferenced object or an unfinished write must be
// before CollectOrphans removes it. It must be longer than the slowest write in progress.
const DefaultOrphanGrace = 6 * time.Hour

// Options configure a Store.
type Options struct {
	// Regions lists every region with its three sites.
	Regions []RegionOptions
	// DefaultRegion is the id of the region new tenants get. Empty means the first
	// configured region.
	DefaultRegion string
	// Now is the clock (UTC is taken). Nil means time.Now.
	Now func() time.Time
	// Logger receives one line per finding and per background failure. Nil discards.
	Logger *slog.Logger
	// OrphanGrace is DefaultOrphanGrace when zero.
	OrphanGrace time.Duration
	// Registerer receives the package's Prometheus collectors. Nil registers nowhere.
	Registerer prometheus.Registerer
}

// RegionOptions name one region and its sites.
type RegionOptions struct {
	ID    string // short lower-case id, e.g. "se"; stored with every object
	Name  string // display name, e.g. "Sweden (EU)"
	Sites []SiteOptions
}

// SiteOptions describe one site: a local directory or an S3 bucket.
type SiteOptions struct {
	Name string // unique within the region, e.g. "a"
	Kind string // KindDir or KindS3

	// Dir is the directory of a KindDir site. It is created when missing at Open, never
	// afterwards: a site whose directory vanished (an unmounted disk) is down, and writes
	// do not recreate it underneath the mount point.
	Dir string

	// Endpoint is host[:port] of a KindS3 site ("https://" or "http://" prefixes are
	// accepted and decide UseTLS). Buckets are addressed path-style.
	Endpoint  string
	Bucket    string
	AccessKey string
	SecretKey string
	S3Region  string
	UseTLS    bool
}

// DefaultOptions is the embedded configuration: region "se" with three directories under
// dataDir/blob/se.
func DefaultOptions(dataDir string) Options {
	base := filepath.Join(dataDir, "blob", "se")
	return Options{
		Regions: []RegionOptions{{
			ID:   "se",
			Name: "Sweden (EU)",
			Sites: []SiteOptions{
				{Name: "a", Kind: KindDir, Dir: filepath.Join(base, "a")},
				{Name: "b", Kind: KindDir, Dir: filepath.Join(base, "b")},
				{Name: "c", Kind: KindDir, Dir: filepath.Join(base, "c")},
			},
		}},
		DefaultRegion: "se",
		OrphanGrace:   DefaultOrphanGrace,
	}
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// withDefaults returns a copy with the zero fields filled.
// NewTenantRegion is the region new tenants get: DefaultRegion, or the first configured.
func (o Options) NewTenantRegion() string { return o.withDefaults().DefaultRegion }

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.OrphanGrace <= 0 {
		o.OrphanGrace = DefaultOrphanGrace
	}
	if o.DefaultRegion == "" && len(o.Regions) > 0 {
		o.DefaultRegion = o.Regions[0].ID
	}
	regions := make([]RegionOptions, len(o.Regions))
	for i, r := range o.Regions {
		sites := make([]SiteOptions, len(r.Sites))
		for j, s := range r.Sites {
			if s.Kind == KindS3 {
				s.Endpoint, s.UseTLS = splitEndpoint(s.Endpoint, s.UseTLS)
			}
			if s.Kind == KindDir && s.Dir != "" {
				if abs, err := filepath.Abs(s.Dir); err == nil {
					s.Dir = abs
				}
			}
			sites[j] = s
		}
		r.Sites = sites
		regions[i] = r
	}
	o.Regions = regions
	return o
}

// splitEndpoint accepts "host:port" or a URL and returns host:port and whether TLS is used.
func splitEndpoint(ep string, useTLS bool) (string, bool) {
	if u, err := url.Parse(ep); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		return u.Host, u.Scheme == "https"
	}
	return ep, useTLS
}

// Validate reports every configuration error at once. Open calls it.
func (o Options) Validate() error {
	o = o.withDefaults()
	var errs []error
	if len(o.Regions) == 0 {
		errs = append(errs, errors.New("no region configured"))
	}
	regionIDs := map[string]bool{}
	dirs := map[string]string{}
	buckets := map[string]string{}
	for _, r := range o.Regions {
		if !namePattern.MatchString(r.ID) {
			errs = append(errs, fmt.Errorf("region id %q: want 1-32 of a-z, 0-9, '-'", r.ID))
		}
		if regionIDs[r.ID] {
			errs = append(errs, fmt.Errorf("region %q configured twice", r.ID))
		}
		regionIDs[r.ID] = true
		if strings.TrimSpace(r.Name) == "" {
			errs = append(errs, fmt.Errorf("region %q: empty display name", r.ID))
		}
		if len(r.Sites) != SitesPerRegion {
			errs = append(errs, fmt.Errorf("region %q: has %d sites, want exactly %d", r.ID, len(r.Sites), SitesPerRegion))
		}
		siteNames := map[string]bool{}
		for _, s := range r.Sites {
			where := fmt.Sprintf("region %q site %q", r.ID, s.Name)
			if !namePattern.MatchString(s.Name) {
				errs = append(errs, fmt.Errorf("%s: name wants 1-32 of a-z, 0-9, '-'", where))
			}
			if siteNames[s.Name] {
				errs = append(errs, fmt.Errorf("%s: name used twice in the region", where))
			}
			siteNames[s.Name] = true
			switch s.Kind {
			case KindDir:
				if s.Dir == "" {
					errs = append(errs, fmt.Errorf("%s: empty dir", where))
					continue
				}
				for other, owner := range dirs {
					if nested(other, s.Dir) {
						errs = append(errs, fmt.Errorf("%s: dir %s overlaps %s of %s", where, s.Dir, other, owner))
					}
				}
				dirs[s.Dir] = where
			case KindS3:
				if s.Endpoint == "" || s.Bucket == "" {
					errs = append(errs, fmt.Errorf("%s: s3 needs endpoint and bucket", where))
					continue
				}
				k := strings.ToLower(s.Endpoint) + "/" + s.Bucket
				if owner, dup := buckets[k]; dup {
					errs = append(errs, fmt.Errorf("%s: bucket %s already used by %s", where, k, owner))
				}
				buckets[k] = where
			default:
				errs = append(errs, fmt.Errorf("%s: kind %q, want %q or %q", where, s.Kind, KindDir, KindS3))
			}
		}
	}
	if len(o.Regions) > 0 && !regionIDs[o.DefaultRegion] {
		errs = append(errs, fmt.Errorf("default region %q is not configured", o.DefaultRegion))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("blob: options: %w", err)
	}
	return nil
}

// nested reports whether a and b are the same directory or one contains the other.
func nested(a, b string) bool {
	a, b = filepath.Clean(a), filepath.Clean(b)
	if a == b {
		return true
	}
	sep := string(filepath.Separator)
	return strings.HasPrefix(a, strings.TrimSuffix(b, sep)+sep) || strings.HasPrefix(b, strings.TrimSuffix(a, sep)+sep)
}
