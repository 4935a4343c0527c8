package web_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/securemailbox/securemailbox/internal/web"
)

func TestClientIP(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []string
		xff     []string
		want    string
	}{
		{"untrusted peer", nil, []string{"203.0.113.7"}, "127.0.0.1"},
		{"untrusted peer, other proxy trusted", []string{"10.0.0.0/8"}, []string{"203.0.113.7"}, "127.0.0.1"},
		{"trusted peer", []string{"127.0.0.1/32"}, []string{"203.0.113.7"}, "203.0.113.7"},
		{"trusted single ip", []string{"127.0.0.1"}, []string{"203.0.113.7"}, "203.0.113.7"},
		{"client-supplied hops are skipped", []string{"127.0.0.1/32"}, []string{"198.51.100.1, 203.0.113.7"}, "203.0.113.7"},
		{"trusted hops are walked", []string{"127.0.0.1/32", "10.0.0.0/8"}, []string{"203.0.113.7, 10.1.2.3"}, "203.0.113.7"},
		{"several headers", []string{"127.0.0.1/32"}, []string{"198.51.100.1", "203.0.113.7"}, "203.0.113.7"},
		{"hop with port", []string{"127.0.0.1/32"}, []string{"203.0.113.7:4711"}, "203.0.113.7"},
		{"no header", []string{"127.0.0.1/32"}, nil, "127.0.0.1"},
		{"garbage", []string{"127.0.0.1/32"}, []string{"<script>"}, "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, web.Options{TrustedProxies: tc.trusted})
			e.addr = e.serve(t)
			r := req("GET", "/ip", "")
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			_, body := e.doTCP(t, r)
			if body != tc.want {
				t.Errorf("ClientIP = %q, want %q", body, tc.want)
			}
		})
	}
}

func TestRunShutsDownWhenContextEnds(t *testing.T) {
	e := newEnv(t, web.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Run(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after a clean shutdown", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after the context ended")
	}
}

func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	redirectAddr := freeAddr(t)
	e := newEnv(t, web.Options{TLSCert: certFile, TLSKey: keyFile, RedirectAddr: redirectAddr})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Run(ctx, ln) }()

	for _, tc := range []struct {
		name    string
		cfg     *tls.Config
		ok      bool
		version uint16
	}{
		{"TLS 1.1", &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}, false, 0},
		{"TLS 1.2 CBC", &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
		}}, false, 0},
		{"TLS 1.2 without ECDHE", &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{
			tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
		}}, false, 0},
		{"TLS 1.2 ECDHE GCM", &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		}}, true, tls.VersionTLS12},
		{"default client", &tls.Config{}, true, tls.VersionTLS13},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg.Clone()
			cfg.RootCAs, cfg.ServerName = pool, "127.0.0.1"
			conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
			if !tc.ok {
				if err == nil {
					_ = conn.Close()
					t.Fatal("handshake succeeded")
				}
				return
			}
			if err != nil {
				t.Fatalf("handshake: %v", err)
			}
			defer func() { _ = conn.Close() }()
			st := conn.ConnectionState()
			if st.Version != tc.version {
				t.Errorf("version %x, want %x", st.Version, tc.version)
			}
			if tc.version == tls.VersionTLS13 && st.CurveID != tls.X25519MLKEM768 {
				t.Errorf("key exchange %v, want the hybrid post-quantum X25519MLKEM768", st.CurveID)
			}
		})
	}

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("HTTPS healthz: %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}

	// The plain listener redirects and echoes nothing.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var rresp *http.Response
	for i := 0; i < 50; i++ { // the redirect listener opens inside Run
		if rresp, err = noFollow.Get("http://" + redirectAddr + "/inbox/x?<b>q=1"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rresp.Body)
	_ = rresp.Body.Close()
	_, port, _ := net.SplitHostPort(addr)
	if want := "https://127.0.0.1:" + port + "/inbox/x?%3Cb%3Eq=1"; rresp.StatusCode != 308 || rresp.Header.Get("Location") != want {
		t.Errorf("redirect: %d %q, want 308 %q", rresp.StatusCode, rresp.Header.Get("Location"), want)
	}
	if len(body) != 0 {
		t.Errorf("redirect has a body: %q", body)
	}
	if r, err := noFollow.Do(badHost(t, redirectAddr)); err == nil {
		_ = r.Body.Close()
		if r.StatusCode != 400 {
			t.Errorf("redirect with a bent Host: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return")
	}
	if _, err := net.DialTimeout("tcp", redirectAddr, time.Second); err == nil {
		t.Error("the redirect listener is still open after shutdown")
	}
}

func badHost(t *testing.T, addr string) *http.Request {
	t.Helper()
	r, err := http.NewRequest("GET", "http://"+addr+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Host = "evil.example/@x"
	return r
}

// freeAddr returns a loopback address that was free a moment ago (Run opens the redirect
// listener itself, so the test has to name a port up front).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// selfSigned writes a P-256 certificate for 127.0.0.1 and returns its files and a pool
// that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	write := func(name, typ string, der []byte) {
		if err := os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(certFile, "CERTIFICATE", der)
	write(keyFile, "PRIVATE KEY", keyDER)
	return certFile, keyFile, pool
}
