package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// EnvPrefix starts every environment variable the service reads.
const EnvPrefix = "SECUREMAILBOX_"

// Config is everything a process needs to know. Field tags name the TOML key; the
// environment variable is EnvPrefix + the upper-cased key (nested keys joined by "_").
type Config struct {
	Addr           string   `toml:"addr" help:"listen address (host:port)"`
	DataDir        string   `toml:"data" help:"data directory (SQLite file, local blob sites, dev master key)"`
	Dev            bool     `toml:"dev" help:"development mode: capture mail and SMS in the in-memory dev outbox, allow plain HTTP on loopback"`
	Migrate        bool     `toml:"migrate" help:"apply pending database migrations before serving"`
	DatabaseURL    string   `toml:"database_url" secret:"true" help:"postgres://… URL, or a SQLite file path (default DATA/securemailbox.db)"`
	BaseURL        string   `toml:"base_url" help:"public URL used in e-mailed links (default http://ADDR in dev)"`
	TLSCert        string   `toml:"tls_cert" help:"TLS certificate file (PEM)"`
	TLSKey         string   `toml:"tls_key" help:"TLS private key file (PEM)"`
	RedirectAddr   string   `toml:"redirect_addr" help:"with TLS: plain-HTTP listener that only redirects to HTTPS"`
	TrustedProxies []string `toml:"trusted_proxy" help:"CIDR whose X-Forwarded-For is believed (repeatable, comma-separated in the environment)"`
	MasterKeyFile  string   `toml:"master_key_file" help:"file holding the server master keyring (required outside --dev)"`
	MasterKey      string   `toml:"master_key" secret:"true" help:"the master keyring itself (environment only; prefer the file)"`
	LogLevel       string   `toml:"log_level" help:"debug, info, warn or error"`
	LogFormat      string   `toml:"log_format" help:"json or text"`

	SessionIdle     time.Duration `toml:"session_idle" help:"session idle timeout"`
	SessionAbsolute time.Duration `toml:"session_absolute" help:"session absolute timeout"`

	SMTP SMTP `toml:"smtp"`
	SMS  SMS  `toml:"sms"`

	// Regions (file only) name where tenant data may live, each with exactly three sites.
	// Empty means one region "se" with three directories under the data directory.
	Regions       []Region `toml:"regions" file:"only"`
	DefaultRegion string   `toml:"default_region" help:"region of new tenants (default: the first configured)"`
}

// Region is one data-residency region and its three storage sites.
type Region struct {
	ID    string `toml:"id"`
	Name  string `toml:"name"`
	Sites []Site `toml:"sites"`
}

// Site is a local directory or an S3-compatible bucket.
type Site struct {
	Name          string `toml:"name"`
	Kind          string `toml:"kind"` // dir | s3
	Dir           string `toml:"dir"`
	Endpoint      string `toml:"endpoint"`
	Bucket        string `toml:"bucket"`
	AccessKey     string `toml:"access_key"`
	SecretKey     string `toml:"secret_key"`
	SecretKeyFile string `toml:"secret_key_file"`
	S3Region      string `toml:"s3_region"`
	UseTLS        bool   `toml:"use_tls"`
}

// SMTP configures the outgoing mail relay.
type SMTP struct {
	Host     string `toml:"host" help:"SMTP relay host"`
	Port     int    `toml:"port" help:"SMTP relay port"`
	Username string `toml:"username" help:"SMTP user name"`
	Password string `toml:"password" secret:"true" help:"SMTP password (or SECUREMAILBOX_SMTP_PASSWORD_FILE)"`
	From     string `toml:"from" help:"sender address of notifications"`
	TLS      string `toml:"tls" help:"starttls, tls or none (none only on loopback)"`
}

// SMS configures the HTTP SMS gateway.
type SMS struct {
	URL      string `toml:"url" help:"gateway endpoint (46elks-style form POST)"`
	Username string `toml:"username" help:"gateway user name"`
	Password string `toml:"password" secret:"true" help:"gateway password (or SECUREMAILBOX_SMS_PASSWORD_FILE)"`
	From     string `toml:"from" help:"sender name or number"`
}

// Defaults returns the embedded defaults: everything `make run` needs.
func Defaults() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "./data",
		LogLevel:        "info",
		LogFormat:       "text",
		SessionIdle:     time.Hour,
		SessionAbsolute: 24 * time.Hour,
		SMTP:            SMTP{Port: 587, TLS: "starttls"},
	}
}

// Load builds the Config for a sub-command from args (without the sub-command name) and the
// environment (a list of KEY=VALUE, as os.Environ returns). It returns flag.ErrHelp for -h.
func Load(name string, args, environ []string) (Config, error) {
	cfg := Defaults()
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, EnvPrefix) {
			env[k] = v
		}
	}

	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	configFile := fs.String("config", env[EnvPrefix+"CONFIG"], "TOML configuration file")
	set := map[string]string{}
	var proxies []string
	for _, f := range fields() {
		if f.key == "trusted_proxy" {
			fs.Func("trusted-proxy", f.help, func(s string) error { proxies = append(proxies, s); return nil })
			continue
		}
		key := f.key
		if f.kind == reflect.Bool {
			fs.Var(boolFlag{set: set, key: key}, f.flag, f.help) // a bare --dev means true
			continue
		}
		fs.Func(f.flag, f.help, func(s string) error { set[key] = s; return nil })
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}

	if *configFile != "" {
		data, err := os.ReadFile(*configFile)
		if err != nil {
			return cfg, fmt.Errorf("config: read %s: %w", *configFile, err)
		}
		md, err := toml.Decode(string(data), &cfg)
		if err != nil {
			return cfg, fmt.Errorf("config: parse %s: %w", *configFile, err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			return cfg, fmt.Errorf("config: %s: unknown key %q", *configFile, und[0].String())
		}
	}
	for _, f := range fields() {
		envKey := EnvPrefix + strings.ToUpper(strings.ReplaceAll(f.key, ".", "_"))
		if v, ok := env[envKey]; ok {
			if err := f.set(&cfg, v); err != nil {
				return cfg, fmt.Errorf("config: %s: %w", envKey, err)
			}
		}
		if f.secret {
			if path, ok := env[envKey+"_FILE"]; ok {
				data, err := os.ReadFile(path)
				if err != nil {
					return cfg, fmt.Errorf("config: %s_FILE: %w", envKey, err)
				}
				if err := f.set(&cfg, strings.TrimRight(string(data), "\r\n")); err != nil {
					return cfg, fmt.Errorf("config: %s_FILE: %w", envKey, err)
				}
			}
		}
		if v, ok := set[f.key]; ok {
			if err := f.set(&cfg, v); err != nil {
				return cfg, fmt.Errorf("config: --%s: %w", f.flag, err)
			}
		}
	}
	if len(proxies) > 0 {
		cfg.TrustedProxies = splitList(strings.Join(proxies, ","))
	}
	cfg.fillDerived()
	return cfg, nil
}

type boolFlag struct {
	set map[string]string
	key string
}

func (b boolFlag) String() string { return "" }
func (b boolFlag) Set(s string) error {
	if _, err := strconv.ParseBool(s); err != nil {
		return err
	}
	b.set[b.key] = s
	return nil
}
func (b boolFlag) IsBoolFlag() bool { return true }

func (c *Config) fillDerived() {
	if c.DatabaseURL == "" {
		c.DatabaseURL = filepath.Join(c.DataDir, "securemailbox.db")
	}
	if c.BaseURL == "" && c.Dev {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
}

// DevMasterKeyFile is where --dev keeps a generated master keyring.
func (c Config) DevMasterKeyFile() string { return filepath.Join(c.DataDir, "dev-master.key") }

// Validate reports every problem at once, in plain words.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if host, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr %q is not host:port", c.Addr)
	} else if c.Dev && !isLoopback(host) {
		// The dev outbox shows every link and code, to anyone who can reach it.
		bad("--dev listens on loopback only (addr %q): its outbox shows every e-mailed link and SMS code", c.Addr)
	}
	if c.DataDir == "" {
		bad("data directory is empty")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		bad("tls_cert and tls_key go together")
	}
	if c.RedirectAddr != "" && c.TLSCert == "" {
		bad("redirect_addr needs TLS")
	}
	for _, p := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err2 := netip.ParseAddr(p); err2 != nil {
				bad("trusted_proxy %q is not a CIDR", p)
			}
		}
	}
	if c.SessionIdle <= 0 || c.SessionAbsolute <= 0 || c.SessionIdle > c.SessionAbsolute {
		bad("session_idle must be positive and not longer than session_absolute")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log_level %q: use debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		bad("log_format %q: use json or text", c.LogFormat)
	}
	switch c.SMTP.TLS {
	case "starttls", "tls":
	case "none":
		if c.SMTP.Host != "" && !isLoopback(c.SMTP.Host) {
			bad("smtp.tls none is allowed only for a loopback relay")
		}
	default:
		bad("smtp.tls %q: use starttls, tls or none", c.SMTP.TLS)
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "https://") && !strings.HasPrefix(c.BaseURL, "http://") {
		bad("base_url must start with https://")
	}
	if !c.Dev {
		if c.MasterKeyFile == "" && c.MasterKey == "" {
			bad("a server master key is required outside --dev: set master_key_file (create one with `securemailbox admin gen-master-key`)")
		}
		if c.MasterKeyFile != "" && inside(c.MasterKeyFile, c.DataDir) {
			bad("the master key file must not be inside the data directory (a copy of the data must not include the key)")
		}
		if c.BaseURL == "" || !strings.HasPrefix(c.BaseURL, "https://") {
			bad("base_url must be an https:// URL outside --dev")
		}
		if c.TLSCert == "" && len(c.TrustedProxies) == 0 {
			bad("outside --dev serve HTTPS (tls_cert, tls_key) or name the TLS-terminating proxy (trusted_proxy)")
		}
		if c.SMTP.Host == "" || c.SMTP.From == "" {
			bad("smtp.host and smtp.from are required outside --dev")
		}
		if c.SMS.URL == "" {
			bad("sms.url is required outside --dev")
		}
	}
	return errors.Join(errs...)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

func inside(file, dir string) bool {
	f, err1 := filepath.Abs(file)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, f)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// String prints the configuration with every secret redacted.
func (c Config) String() string {
	var b strings.Builder
	for _, f := range fields() {
		v := f.get(&c)
		if f.secret && v != "" {
			v = "[redacted]"
		}
		fmt.Fprintf(&b, "%s = %s\n", f.key, v)
	}
	return b.String()
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
