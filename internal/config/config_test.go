package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.toml")
	if err := os.WriteFile(file, []byte("addr = \"127.0.0.1:9000\"\nlog_level = \"warn\"\n[smtp]\nhost = \"file.example\"\nport = 2525\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "pw")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		env   []string
		check func(t *testing.T, c Config)
	}{
		{"defaults", nil, nil, func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:8080" || c.SessionIdle != time.Hour || c.Dev {
				t.Errorf("defaults: %+v", c)
			}
			if c.DatabaseURL != filepath.Join("data", "securemailbox.db") {
				t.Errorf("database url %q", c.DatabaseURL)
			}
		}},
		{"file", []string{"--config", file}, nil, func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:9000" || c.SMTP.Host != "file.example" || c.SMTP.Port != 2525 || c.LogLevel != "warn" {
				t.Errorf("file: %+v", c)
			}
		}},
		{"env over file", []string{"--config", file}, []string{"SECUREMAILBOX_ADDR=127.0.0.1:9100", "SECUREMAILBOX_SMTP_HOST=env.example", "OTHER=x"}, func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:9100" || c.SMTP.Host != "env.example" {
				t.Errorf("env: %+v", c)
			}
		}},
		{"flag over env", []string{"--addr", "127.0.0.1:9200", "--dev", "--smtp-port=25"}, []string{"SECUREMAILBOX_ADDR=127.0.0.1:9100"}, func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:9200" || !c.Dev || c.SMTP.Port != 25 || c.BaseURL != "http://127.0.0.1:9200" {
				t.Errorf("flags: %+v", c)
			}
		}},
		{"config from env", nil, []string{"SECUREMAILBOX_CONFIG=" + file}, func(t *testing.T, c Config) {
			if c.SMTP.Host != "file.example" {
				t.Errorf("config env: %+v", c)
			}
		}},
		{"secret file", nil, []string{"SECUREMAILBOX_SMTP_PASSWORD_FILE=" + secret}, func(t *testing.T, c Config) {
			if c.SMTP.Password != "s3cret" {
				t.Errorf("password %q", c.SMTP.Password)
			}
			if strings.Contains(c.String(), "s3cret") {
				t.Error("String() leaks the secret")
			}
		}},
		{"durations and lists", []string{"--session-idle", "30m", "--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "192.0.2.1"}, nil, func(t *testing.T, c Config) {
			if c.SessionIdle != 30*time.Minute || len(c.TrustedProxies) != 2 {
				t.Errorf("parsed: %+v", c)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load("serve", tc.args, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	_ = os.WriteFile(bad, []byte("nosuchkey = 1\n"), 0o600)
	for _, tc := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"--session-idle", "soon"}, nil, "duration"},
		{[]string{"--config", bad}, nil, "unknown key"},
		{nil, []string{"SECUREMAILBOX_DEV=maybe"}, "boolean"},
		{[]string{"extra"}, nil, "unexpected argument"},
	} {
		_, err := Load("serve", tc.args, tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%v, %v) error = %v, want %q", tc.args, tc.env, err, tc.want)
		}
	}
	if _, err := Load("serve", []string{"-h"}, nil); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

func TestValidate(t *testing.T) {
	dev, _ := Load("serve", []string{"--dev"}, nil)
	if err := dev.Validate(); err != nil {
		t.Errorf("dev defaults invalid: %v", err)
	}
	open, _ := Load("serve", []string{"--dev", "--addr", "0.0.0.0:8080"}, nil)
	if err := open.Validate(); err == nil || !strings.Contains(err.Error(), "loopback only") {
		t.Errorf("dev on all interfaces: %v", err)
	}
	prod, _ := Load("serve", nil, nil)
	err := prod.Validate()
	for _, want := range []string{"master key is required", "base_url", "smtp.host", "sms.url", "HTTPS"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("production without settings: error %v lacks %q", err, want)
		}
	}
	inData, _ := Load("serve", []string{"--data", "/srv/sm", "--master-key-file", "/srv/sm/master.key"}, nil)
	if err := inData.Validate(); err == nil || !strings.Contains(err.Error(), "inside the data directory") {
		t.Errorf("master key inside data dir accepted: %v", err)
	}
	ok, _ := Load("serve", []string{"--data", "/srv/sm", "--master-key-file", "/etc/sm/master.key",
		"--base-url", "https://mail.example", "--trusted-proxy", "10.0.0.0/8", "--smtp-host", "relay.example",
		"--smtp-from", "no-reply@mail.example", "--sms-url", "https://sms.example/a1/sms"}, nil)
	if err := ok.Validate(); err != nil {
		t.Errorf("complete production config invalid: %v", err)
	}
}

func TestRegionsFromFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.toml")
	body := `default_region = "de"
[[regions]]
id = "de"
name = "Germany (EU)"
[[regions.sites]]
name = "fra1"
kind = "s3"
endpoint = "s3.fra1.example"
bucket = "sm-de-1"
access_key = "AK"
secret_key_file = "/run/secrets/s3"
use_tls = true
`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load("serve", []string{"--config", file}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Regions) != 1 || c.Regions[0].ID != "de" || len(c.Regions[0].Sites) != 1 || !c.Regions[0].Sites[0].UseTLS || c.DefaultRegion != "de" {
		t.Fatalf("regions: %+v", c.Regions)
	}
	if strings.Contains(c.String(), "regions") {
		t.Error("String lists the structured regions")
	}
}
