package auth

import (
	"context"
	"log/slog"
	"sort"
	"testing"
	"time"

	"github.com/securemailbox/securemailbox/internal/audit"
	"github.com/securemailbox/securemailbox/internal/i18n"
	"github.com/securemailbox/securemailbox/internal/keys"
	"github.com/securemailbox/securemailbox/internal/notify"
	"github.com/securemailbox/securemailbox/internal/testkit"
	"github.com/securemailbox/securemailbox/tenants"
)

// BenchmarkLogin measures a password login with the production Argon2id parameters
// (64 MiB, t=3, p=2, at most four at once) on SQLite: logins per second and the latency
// percentiles, next to the cost of one bare Argon2id run measured in the same benchmark.
func BenchmarkLogin(b *testing.B) {
	bdb, _ := testkit.NewSQLite(b)
	outbox := notify.NewOutbox(time.Now)
	master, _ := keys.GenerateMasterKeyring()
	bundle, _ := i18n.New()
	hasher := keys.NewHasher(keys.DefaultKDFParams(), 4)
	svc := New(Options{BaseURL: "http://127.0.0.1", Logger: slog.New(slog.DiscardHandler)}, Deps{
		DB: bdb, Master: master, Hasher: hasher, Mailer: outbox, SMS: outbox,
		Tenants: tenants.New(tenants.NewBunStore(bdb), tenants.Options{DefaultRegion: "se"}),
		Audit:   audit.NewStore(bdb), I18n: bundle,
	})
	ctx := context.Background()
	in := SignUpInput{Email: "bench@example.com", Password: "a benchmark passphrase", Mobile: "+46701239999", Name: "Bench"}
	if _, err := svc.SignUp(ctx, in, Client{IP: "192.0.2.1"}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	hasher.Dummy(ctx)
	argon := time.Since(start)

	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		iss, err := svc.Login(ctx, in.Email, in.Password, Client{IP: "192.0.2.1"})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		b.StopTimer()
		_ = svc.Logout(ctx, iss.Token)
		b.StartTimer()
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(argon.Microseconds())/1000, "argon2id-ms")
	b.ReportMetric(pct(0.50)/(float64(argon.Microseconds())/1000), "p50/argon2id")
}
