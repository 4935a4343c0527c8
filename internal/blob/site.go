package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// Site errors. errSiteDown means the site did not answer or cannot be used at all (its
// directory is gone, its endpoint refuses); errNotExist means the site answered and has no
// such object. Only the second proves a copy missing.
var (
	errSiteDown = errors.New("site unavailable")
	errNotExist = errors.New("no such object on site")
)

// site is one storage location of a region. Keys come from objectKey (or are entries a
// listing returned); a site never interprets them.
type site interface {
	// ID is "region/name", unique across the configuration.
	ID() string
	Kind() string
	// Create starts writing key. Nothing is visible under key before Commit.
	Create(ctx context.Context, key string) (siteWriter, error)
	// Open reads key from byte offset on.
	Open(ctx context.Context, key string, offset int64) (io.ReadCloser, error)
	// Remove erases key: overwritten and unlinked on a directory, deleted on S3. A missing
	// key is not an error.
	Remove(ctx context.Context, key string) error
	// List calls fn for every object and every unfinished write under objectPrefix.
	List(ctx context.Context, fn func(entry) error) error
	// RemoveTemp erases an unfinished write a listing returned.
	RemoveTemp(ctx context.Context, e entry) error
	// Check probes the site for `doctor`.
	Check(ctx context.Context) SiteStatus
}

// siteWriter receives one object. The write protocol is Write…, Prepare (durable but not
// visible), Commit (visible, durably). Abort removes whatever exists, even after Commit.
type siteWriter interface {
	io.Writer
	Prepare() error
	Commit() error
	Abort() error
}

// entry is one thing found on a site by List.
type entry struct {
	Key     string // object key, or for Temp the site's own name for the unfinished write
	ID      string // object id the entry belongs to
	Size    int64
	ModTime time.Time
	Temp    bool // an unfinished write (temp file, incomplete multipart upload)
}

// siteDown wraps err as errSiteDown unless it already says what happened.
func siteDown(siteID string, err error) error {
	if errors.Is(err, errSiteDown) || errors.Is(err, errNotExist) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &siteError{site: siteID, kind: errSiteDown, err: err}
}

// siteError carries the site, the class (errSiteDown, errNotExist) and the cause.
type siteError struct {
	site string
	kind error
	err  error
}

func (e *siteError) Error() string {
	if e.err == nil {
		return e.site + ": " + e.kind.Error()
	}
	return e.site + ": " + e.kind.Error() + ": " + e.err.Error()
}

func (e *siteError) Unwrap() []error {
	if e.err == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.err}
}

// notExist wraps err as errNotExist.
func notExist(siteID string, err error) error {
	return &siteError{site: siteID, kind: errNotExist, err: err}
}
