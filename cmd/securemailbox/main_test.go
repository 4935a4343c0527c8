package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, nil, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestServeRefusesWithoutMasterKeyOutsideDev(t *testing.T) {
	dir := t.TempDir()
	_, err := runCmd(t, "serve", "--data", dir)
	if err == nil || !strings.Contains(err.Error(), "master key is required") {
		t.Fatalf("serve without a master key: %v", err)
	}
	_, err = runCmd(t, "serve", "--data", dir, "--master-key-file", filepath.Join(dir, "k"))
	if err == nil || !strings.Contains(err.Error(), "inside the data directory") {
		t.Fatalf("master key inside the data dir: %v", err)
	}
}

func TestServeRefusesUnmigratedSchema(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // bounds a wrongly started server
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, []string{"serve", "--dev", "--data", dir, "--addr", "127.0.0.1:0"}, nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "not up to date") {
		t.Fatalf("serve on an empty database: %v", err)
	}
}

func TestMigrateThenDoctor(t *testing.T) {
	dir := t.TempDir()
	out, err := runCmd(t, "doctor", "--dev", "--data", dir)
	if err == nil || !strings.Contains(out, "FAIL schema") {
		t.Fatalf("doctor before migrate: %v\n%s", err, out)
	}
	if out, err := runCmd(t, "migrate", "--dev", "--data", dir); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, err = runCmd(t, "doctor", "--dev", "--data", dir)
	if err != nil {
		t.Fatalf("doctor after migrate: %v\n%s", err, out)
	}
	for _, want := range []string{"ok   durability synchronous", "ok   durability journal_mode", "ok   schema", "blob site se/"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	// Environment variables work like flags.
	var buf bytes.Buffer
	err = run(context.Background(), []string{"doctor"}, []string{"SECUREMAILBOX_DEV=true", "SECUREMAILBOX_DATA=" + dir}, &buf, &buf)
	if err != nil {
		t.Fatalf("doctor from the environment: %v\n%s", err, buf.String())
	}
}

func TestMasterKeyCommands(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(t.TempDir(), "master.key")
	if out, err := runCmd(t, "admin", "gen-master-key", "--out", keyFile); err != nil {
		t.Fatalf("gen: %v %s", err, out)
	}
	info, err := os.Stat(keyFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v %v", info, err)
	}
	if _, err := runCmd(t, "admin", "gen-master-key", "--out", keyFile); err == nil {
		t.Fatal("gen overwrote a master key")
	}
	if out, err := runCmd(t, "migrate", "--dev", "--data", dir, "--master-key-file", keyFile); err != nil {
		t.Fatalf("migrate: %v %s", err, out)
	}
	before, _ := os.ReadFile(keyFile)
	out, err := runCmd(t, "admin", "rotate-master-key", "--dev", "--data", dir, "--master-key-file", keyFile, "--retire")
	if err != nil {
		t.Fatalf("rotate: %v %s", err, out)
	}
	after, _ := os.ReadFile(keyFile)
	if bytes.Equal(before, after) || !strings.Contains(out, "retired master key") {
		t.Fatalf("rotation did not change the keyring: %s", out)
	}
	if strings.Count(strings.TrimSpace(string(after)), "smk1") != 1 {
		t.Errorf("retired key still in the file:\n%s", after)
	}
}

func TestUnknownCommand(t *testing.T) {
	if _, err := runCmd(t, "frobnicate"); err == nil {
		t.Fatal("unknown command accepted")
	}
	if _, err := runCmd(t); err == nil {
		t.Fatal("no command accepted")
	}
}
