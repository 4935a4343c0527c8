package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/securemailbox/securemailbox/internal/keys"
)

// dirSite keeps objects as files under a root directory. Durability: data is fsynced
// before the rename that makes it visible, and the directory is fsynced after it (and
// after every directory it had to create), so an acknowledged object survives power loss.
type dirSite struct {
	id   string
	root string
}

// newDirSite creates root when it is missing (so an empty data dir works out of the box);
// afterwards a missing root means the site is down and is never recreated by a write.
func newDirSite(id, root string) (*dirSite, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return &dirSite{id: id, root: root}, fmt.Errorf("blob: site %s: create %s: %w", id, root, err)
	}
	return &dirSite{id: id, root: root}, nil
}

func (d *dirSite) ID() string   { return d.id }
func (d *dirSite) Kind() string { return KindDir }

// up fails when the root directory is gone.
func (d *dirSite) up() error {
	fi, err := os.Stat(d.root)
	if err != nil {
		return siteDown(d.id, err)
	}
	if !fi.IsDir() {
		return siteDown(d.id, fmt.Errorf("%s is not a directory", d.root))
	}
	return nil
}

func (d *dirSite) path(key string) string {
	return filepath.Join(d.root, filepath.FromSlash(key))
}

// classify turns a file error into errNotExist or errSiteDown.
func (d *dirSite) classify(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		if uerr := d.up(); uerr != nil {
			return uerr
		}
		return notExist(d.id, err)
	}
	return siteDown(d.id, err)
}

// syncDir makes a directory's entries (a rename, a new file or subdirectory) durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ensureDir creates rel's missing directories below root and fsyncs the parent of each.
func (d *dirSite) ensureDir(rel string) error {
	dir := d.root
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if part == "" || part == "." {
			continue
		}
		child := filepath.Join(dir, part)
		err := os.Mkdir(child, 0o700)
		switch {
		case err == nil:
			if err := syncDir(dir); err != nil {
				return err
			}
		case errors.Is(err, fs.ErrExist):
		default:
			return err
		}
		dir = child
	}
	return nil
}

func (d *dirSite) Create(ctx context.Context, key string) (siteWriter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := d.up(); err != nil {
		return nil, err
	}
	relDir := path.Dir(key)
	if err := d.ensureDir(relDir); err != nil {
		return nil, siteDown(d.id, err)
	}
	dir := d.path(relDir)
	tmp := filepath.Join(dir, tempName(path.Base(key)))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, siteDown(d.id, err)
	}
	return &dirWriter{site: d, key: key, dir: dir, tmp: tmp, final: d.path(key), f: f}, nil
}

type dirWriter struct {
	site      *dirSite
	key       string
	dir       string
	tmp       string
	final     string
	f         *os.File
	committed bool
}

func (w *dirWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		return n, siteDown(w.site.id, err)
	}
	return n, nil
}

func (w *dirWriter) Prepare() error {
	err := w.f.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.f = nil
	if err != nil {
		return siteDown(w.site.id, err)
	}
	return nil
}

func (w *dirWriter) Commit() error {
	if err := os.Rename(w.tmp, w.final); err != nil {
		return siteDown(w.site.id, err)
	}
	w.committed = true
	if err := syncDir(w.dir); err != nil {
		return siteDown(w.site.id, err)
	}
	return nil
}

func (w *dirWriter) Abort() error {
	if w.f != nil {
		_ = w.f.Close()
		w.f = nil
	}
	if w.committed {
		return w.site.Remove(context.Background(), w.key)
	}
	return w.site.erase(w.tmp)
}

func (d *dirSite) Open(ctx context.Context, key string, offset int64) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(d.path(key))
	if err != nil {
		return nil, d.classify(err)
	}
	if offset > 0 {
		if _, err := f.Seek(offset, io.SeekStart); err != nil {
			_ = f.Close()
			return nil, siteDown(d.id, err)
		}
	}
	return &ctxReader{ctx: ctx, f: f}, nil
}

// ctxReader stops a long read when its context ends.
type ctxReader struct {
	ctx context.Context
	f   *os.File
}

func (r *ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.f.Read(p)
}

func (r *ctxReader) Close() error { return r.f.Close() }

func (d *dirSite) Remove(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := d.up(); err != nil {
		return err
	}
	return d.erase(d.path(key))
}

// eraseBuf is the overwrite unit of erase.
const eraseBuf = 256 << 10

// erase overwrites a file with random bytes, fsyncs it, unlinks it and fsyncs its directory.
// A missing file is not an error. On copy-on-write or flash storage the old blocks may
// survive the overwrite; what is stored is ciphertext, and DESIGN's deletion is first of all
// the destruction of its keys.
func (d *dirSite) erase(p string) error {
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return siteDown(d.id, err)
	}
	fi, err := f.Stat()
	if err == nil {
		for left := fi.Size(); left > 0 && err == nil; {
			n := min(left, eraseBuf)
			_, err = f.Write(keys.Random(int(n)))
			left -= n
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return siteDown(d.id, err)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return siteDown(d.id, err)
	}
	if err := syncDir(filepath.Dir(p)); err != nil {
		return siteDown(d.id, err)
	}
	return nil
}

func (d *dirSite) List(ctx context.Context, fn func(entry) error) error {
	if err := d.up(); err != nil {
		return err
	}
	top := d.path(objectPrefix)
	err := filepath.WalkDir(top, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == top {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !de.Type().IsRegular() {
			return nil
		}
		fi, err := de.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while walking
			}
			return err
		}
		rel, err := filepath.Rel(d.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		e := entry{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}
		if id, ok := parseTempKey(key); ok {
			e.Temp, e.ID = true, id
		} else if _, id, ok := parseObjectKey(key); ok {
			e.ID = id
		} else {
			return nil // not ours: never touch it
		}
		return fn(e)
	})
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return siteDown(d.id, err)
	}
	return err
}

func (d *dirSite) RemoveTemp(ctx context.Context, e entry) error {
	return d.Remove(ctx, e.Key)
}

// probeSize is what Check writes and reads back.
const probeSize = 4096

func (d *dirSite) Check(ctx context.Context) SiteStatus {
	st := SiteStatus{Site: d.id, Kind: KindDir, FreeBytes: -1}
	start := time.Now()
	defer func() { st.Latency = time.Since(start) }()
	if err := d.up(); err != nil {
		st.Err = err
		return st
	}
	st.Reachable = true
	if free, err := freeBytes(d.root); err == nil {
		st.FreeBytes = free
	}
	probe := keys.Random(probeSize)
	name := filepath.Join(d.root, fmt.Sprintf(".probe-%x", probe[:8]))
	err := func() error {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		defer func() { _ = d.erase(name) }()
		_, err = f.Write(probe)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		got, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, probe) {
			return errors.New("probe read back differs")
		}
		return nil
	}()
	if err != nil {
		st.Err = siteDown(d.id, err)
		return st
	}
	st.Writable = true
	return st
}
