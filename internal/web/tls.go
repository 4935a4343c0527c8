package web

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// tlsConfig returns the HTTPS configuration, or nil when no certificate is configured.
//
// TLS 1.2 is the floor; TLS 1.3 is chosen whenever the client offers it (Go always
// negotiates the highest common version). For TLS 1.2 only ECDHE key exchange with AEAD
// ciphers is allowed: forward secrecy, and no CBC padding-oracle history. CurvePreferences
// stays nil so Go's defaults, led by the hybrid post-quantum X25519MLKEM768, stay on and
// follow Go's updates.
func tlsConfig(o Options) (*tls.Config, error) {
	if o.TLSCert == "" && o.TLSKey == "" {
		if o.RedirectAddr != "" {
			return nil, errors.New("web: a redirect listener needs TLS (a certificate and key)")
		}
		return nil, nil
	}
	if o.TLSCert == "" || o.TLSKey == "" {
		return nil, errors.New("web: TLS needs both a certificate and a key")
	}
	cert, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("web: load TLS key pair: %w", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
		// fasthttp speaks HTTP/1.1 only.
		NextProtos: []string{"http/1.1"},
	}, nil
}

// redirectServer answers plain HTTP with a 308 to the same host and path over HTTPS, on
// the port of the TLS listener (omitted when it is 443). It sends no body, so nothing of
// the request is echoed over plain HTTP.
func (s *Server) redirectServer(tlsAddr net.Addr) *http.Server {
	port := ""
	if ap, err := netip.ParseAddrPort(tlsAddr.String()); err == nil && ap.Port() != 443 {
		port = fmt.Sprint(ap.Port())
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, ok := redirectHost(r.Host)
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if port != "" {
			host = net.JoinHostPort(strings.Trim(host, "[]"), port)
		}
		path := r.URL.EscapedPath()
		if !strings.HasPrefix(path, "/") {
			path = "/" // "OPTIONS *" and absolute-form oddities
		}
		target := "https://" + host + path
		if r.URL.RawQuery != "" {
			target += "?" + escapeQuery(r.URL.RawQuery)
		}
		w.Header().Set("Location", target)
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusPermanentRedirect)
	})
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    8 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// redirectHost returns the host part of a Host header if it is a plain DNS name or IP, so
// the Location header cannot be bent into something else.
func redirectHost(hostport string) (string, bool) {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Is6() {
			return "[" + a.String() + "]", true
		}
		return a.String(), true
	}
	if host == "" || len(host) > 253 {
		return "", false
	}
	for i := 0; i < len(host); i++ {
		ch := host[i]
		if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || ch == '-' || ch == '.') {
			return "", false
		}
	}
	return host, true
}

// escapeQuery percent-encodes the bytes a query may not contain raw (net/http passes on
// what the client sent), so the Location header carries a well-formed URL.
func escapeQuery(q string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		ch := q[i]
		if 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@/?%", ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}
