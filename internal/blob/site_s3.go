package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/securemailbox/securemailbox/internal/keys"
)

// s3PartSize bounds the memory of one S3 upload: objects up to this size go in one PUT,
// larger ones as a multipart upload of parts this big (so up to 80 GB per object).
const s3PartSize = 8 << 20

// s3Site keeps objects in one bucket. Durability is the server's: a PUT (or the completion
// of a multipart upload) that returned success is durable, and until then nothing is
// visible under the key. Buckets should have versioning off (or expire noncurrent versions
// within days), or deleted objects live on as old versions; Check reports the setting.
type s3Site struct {
	id     string
	bucket string
	cl     *minio.Client
	base   string // scheme://host for the clock probe
	http   *http.Client
}

func newS3Site(id string, o SiteOptions) (*s3Site, error) {
	tr, err := minio.DefaultTransport(o.UseTLS)
	if err != nil {
		return nil, fmt.Errorf("blob: site %s: transport: %w", id, err)
	}
	tr.ResponseHeaderTimeout = 60 * time.Second
	cl, err := minio.New(o.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Secure:       o.UseTLS,
		Region:       o.S3Region,
		BucketLookup: minio.BucketLookupPath,
		Transport:    tr,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: site %s: client: %w", id, err)
	}
	scheme := "http"
	if o.UseTLS {
		scheme = "https"
	}
	return &s3Site{
		id: id, bucket: o.Bucket, cl: cl, base: scheme + "://" + o.Endpoint,
		http: &http.Client{Transport: tr, Timeout: 15 * time.Second},
	}, nil
}

func (s *s3Site) ID() string   { return s.id }
func (s *s3Site) closeIdle()   { s.http.CloseIdleConnections() }
func (s *s3Site) Kind() string { return KindS3 }

// classify maps an S3 error: NoSuchKey is errNotExist, everything else makes the site
// unusable for this operation.
func (s *s3Site) classify(err error) error {
	if err == nil {
		return nil
	}
	switch minio.ToErrorResponse(err).Code {
	case minio.NoSuchKey, "NotFound":
		return notExist(s.id, err)
	}
	return siteDown(s.id, err)
}

func (s *s3Site) putOptions() minio.PutObjectOptions {
	// The payload goes unsigned with a Content-MD5 per request (per part): the server
	// refuses a body damaged in transit, and no aws-chunked encoding is needed (some
	// S3 implementations store that encoding instead of the data; reads would catch it,
	// but the copy would be useless).
	return minio.PutObjectOptions{
		ContentType:          "application/octet-stream",
		PartSize:             s3PartSize,
		SendContentMd5:       true,
		DisableContentSha256: true,
	}
}

func (s *s3Site) Create(ctx context.Context, key string) (siteWriter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &s3Writer{site: s, ctx: ctx, key: key}, nil
}

// s3Writer buffers up to one part; an object that fits goes in a single PUT, a larger one
// streams through a pipe into a multipart upload.
type s3Writer struct {
	site     *s3Site
	ctx      context.Context
	key      string
	head     []byte
	pw       *io.PipeWriter
	done     chan error
	uploaded bool
}

func (w *s3Writer) Write(p []byte) (int, error) {
	if w.pw == nil {
		if len(w.head)+len(p) <= s3PartSize {
			w.head = append(w.head, p...)
			return len(p), nil
		}
		pr, pw := io.Pipe()
		w.pw, w.done = pw, make(chan error, 1)
		head := w.head
		w.head = nil
		go func() {
			_, err := w.site.cl.PutObject(w.ctx, w.site.bucket, w.key, io.MultiReader(bytes.NewReader(head), pr), -1, w.site.putOptions())
			if err != nil {
				pr.CloseWithError(err)
			} else {
				_ = pr.Close()
			}
			w.done <- err
		}()
	}
	n, err := w.pw.Write(p)
	if err != nil {
		return n, w.site.classify(err)
	}
	return n, nil
}

func (w *s3Writer) Prepare() error {
	var err error
	if w.pw == nil {
		opts := w.site.putOptions()
		_, err = w.site.cl.PutObject(w.ctx, w.site.bucket, w.key, bytes.NewReader(w.head), int64(len(w.head)), opts)
		w.head = nil
	} else {
		_ = w.pw.Close()
		err = <-w.done
		w.pw = nil
	}
	if err != nil {
		return w.site.classify(err)
	}
	w.uploaded = true
	return nil
}

// Commit has nothing to do: a completed PUT is visible. The catalog, not the key, decides
// what the store serves.
func (w *s3Writer) Commit() error { return nil }

func (w *s3Writer) Abort() error {
	w.head = nil
	if w.pw != nil {
		w.pw.CloseWithError(errors.New("blob: write aborted"))
		<-w.done // minio-go aborts the multipart upload it had started
		w.pw = nil
	}
	if w.uploaded {
		return w.site.Remove(context.WithoutCancel(w.ctx), w.key)
	}
	return nil
}

func (s *s3Site) Open(ctx context.Context, key string, offset int64) (io.ReadCloser, error) {
	var opts minio.GetObjectOptions
	if offset > 0 {
		if err := opts.SetRange(offset, 0); err != nil {
			return nil, fmt.Errorf("blob: site %s: range: %w", s.id, err)
		}
	}
	obj, err := s.cl.GetObject(ctx, s.bucket, key, opts)
	if err != nil {
		return nil, s.classify(err)
	}
	if _, err := obj.Stat(); err != nil { // sends the request; surfaces "not found" now
		_ = obj.Close()
		return nil, s.classify(err)
	}
	return obj, nil
}

func (s *s3Site) Remove(ctx context.Context, key string) error {
	return s.classify(s.cl.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}))
}

func (s *s3Site) List(ctx context.Context, fn func(entry) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for obj := range s.cl.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: objectPrefix, Recursive: true}) {
		if obj.Err != nil {
			return s.classify(obj.Err)
		}
		_, id, ok := parseObjectKey(obj.Key)
		if !ok {
			continue // not ours: never touch it
		}
		if err := fn(entry{Key: obj.Key, ID: id, Size: obj.Size, ModTime: obj.LastModified}); err != nil {
			return err
		}
	}
	for up := range s.cl.ListIncompleteUploads(ctx, s.bucket, objectPrefix, true) {
		if up.Err != nil {
			// Not every S3 implementation lists uploads; a bucket lifecycle rule
			// (AbortIncompleteMultipartUpload) is the backstop for those.
			return nil
		}
		_, id, ok := parseObjectKey(up.Key)
		if !ok {
			continue
		}
		if err := fn(entry{Key: up.Key, ID: id, Size: up.Size, ModTime: up.Initiated, Temp: true}); err != nil {
			return err
		}
	}
	return nil
}

func (s *s3Site) RemoveTemp(ctx context.Context, e entry) error {
	return s.classify(s.cl.RemoveIncompleteUpload(ctx, s.bucket, e.Key))
}

func (s *s3Site) Check(ctx context.Context) SiteStatus {
	st := SiteStatus{Site: s.id, Kind: KindS3, FreeBytes: -1}
	start := time.Now()
	defer func() { st.Latency = time.Since(start) }()

	if req, err := http.NewRequestWithContext(ctx, http.MethodHead, s.base+"/"+s.bucket, nil); err == nil {
		before := time.Now()
		if resp, err := s.http.Do(req); err == nil {
			_ = resp.Body.Close()
			if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
				// The Date header has one-second resolution; take the middle of the round trip.
				mid := before.Add(time.Since(before) / 2)
				st.ClockSkew = t.Sub(mid).Truncate(time.Second)
			}
		}
	}
	ok, err := s.cl.BucketExists(ctx, s.bucket)
	if err != nil {
		st.Err = siteDown(s.id, err)
		return st
	}
	if !ok {
		st.Err = siteDown(s.id, fmt.Errorf("bucket %s does not exist", s.bucket))
		return st
	}
	st.Reachable = true
	if v, err := s.cl.GetBucketVersioning(ctx, s.bucket); err == nil {
		st.Versioning = v.Status
		if st.Versioning == "" {
			st.Versioning = "Off"
		}
	}
	probe := keys.Random(probeSize)
	key := fmt.Sprintf("probe/%x", probe[:8])
	err = func() error {
		if _, err := s.cl.PutObject(ctx, s.bucket, key, bytes.NewReader(probe), int64(len(probe)), s.putOptions()); err != nil {
			return err
		}
		defer func() { _ = s.cl.RemoveObject(context.WithoutCancel(ctx), s.bucket, key, minio.RemoveObjectOptions{}) }()
		obj, err := s.cl.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
		if err != nil {
			return err
		}
		defer func() { _ = obj.Close() }()
		got, err := io.ReadAll(obj)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, probe) {
			return errors.New("probe read back differs")
		}
		return nil
	}()
	if err != nil {
		st.Err = siteDown(s.id, err)
		return st
	}
	st.Writable = true
	return st
}
