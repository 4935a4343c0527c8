package blob

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/testkit"
)

// TestStoreDir runs the suite on directory sites, on SQLite and (with TEST_DATABASE_URL)
// PostgreSQL.
// Each subtest gets its own database of the same dialect, since Scrub spans the catalog.
func TestStoreDir(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		dialect := db.DialectName(bdb)
		storeSuite(t, func(t *testing.T) *fixture { return newFixture(t, freshDB(t, dialect), Options{}) })
	})
}

// freshDB returns a new migrated database of the dialect.
func freshDB(t *testing.T, dialect string) *bun.DB {
	if dialect == db.Postgres {
		return testkit.NewPostgres(t)
	}
	bdb, _ := testkit.NewSQLite(t)
	return bdb
}

// newS3Server starts an in-process S3 server on 127.0.0.1 with one bucket.
func newS3Server(t testing.TB, bucket string) string {
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(gofakes3.New(backend).Server())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestStoreS3 runs the suite on in-process S3 servers (gofakes3), one per site.
func TestStoreS3(t *testing.T) {
	storeSuite(t, func(t *testing.T) *fixture {
		var regions []RegionOptions
		for _, r := range []struct{ id, name string }{{"se", "Sweden (EU)"}, {"de", "Germany (EU)"}} {
			ro := RegionOptions{ID: r.id, Name: r.name}
			for _, n := range []string{"a", "b", "c"} {
				ro.Sites = append(ro.Sites, SiteOptions{
					Name: n, Kind: KindS3, Endpoint: newS3Server(t, "blobs"), Bucket: "blobs",
					AccessKey: "test", SecretKey: "test-secret", S3Region: "eu-north-1",
				})
			}
			regions = append(regions, ro)
		}
		return newFixture(t, nil, Options{Regions: regions, DefaultRegion: "se"})
	})
}

// TestStoreS3External runs the suite against a real S3 server (e.g. versitygw) when
// TEST_S3_ENDPOINT (host:port or URL), TEST_S3_ACCESS_KEY and TEST_S3_SECRET_KEY are set.
// It creates six buckets and removes them afterwards.
func TestStoreS3External(t *testing.T) {
	endpoint := os.Getenv("TEST_S3_ENDPOINT")
	if endpoint == "" {
		t.Skip("TEST_S3_ENDPOINT not set")
	}
	access, secret := os.Getenv("TEST_S3_ACCESS_KEY"), os.Getenv("TEST_S3_SECRET_KEY")
	region := os.Getenv("TEST_S3_REGION")
	if region == "" {
		region = "eu-north-1"
	}
	host, useTLS := splitEndpoint(endpoint, false)
	cl, err := minio.New(host, &minio.Options{
		Creds: credentials.NewStaticV4(access, secret, ""), Secure: useTLS, Region: region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		t.Fatal(err)
	}
	storeSuite(t, func(t *testing.T) *fixture {
		ctx := context.Background()
		suffix := strings.ToLower(rand.Text()[:10])
		var regions []RegionOptions
		for _, r := range []string{"se", "de"} {
			ro := RegionOptions{ID: r, Name: r}
			for _, n := range []string{"a", "b", "c"} {
				bucket := fmt.Sprintf("blobtest-%s-%s-%s", r, n, suffix)
				if err := cl.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: region}); err != nil {
					t.Fatalf("make bucket %s: %v", bucket, err)
				}
				t.Cleanup(func() {
					for obj := range cl.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
						_ = cl.RemoveObject(ctx, bucket, obj.Key, minio.RemoveObjectOptions{})
					}
					_ = cl.RemoveBucket(ctx, bucket)
				})
				ro.Sites = append(ro.Sites, SiteOptions{
					Name: n, Kind: KindS3, Endpoint: host, UseTLS: useTLS, Bucket: bucket,
					AccessKey: access, SecretKey: secret, S3Region: region,
				})
			}
			regions = append(regions, ro)
		}
		return newFixture(t, nil, Options{Regions: regions, DefaultRegion: "se"})
	})
}
