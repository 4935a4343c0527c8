package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/securemailbox/securemailbox/internal/config"
	"github.com/securemailbox/securemailbox/internal/db"
)

// doctor checks what must hold before serving and prints one line per check. It exits
// non-zero when any check fails.
func doctor(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	failed := 0
	report := func(ok bool, what, detail string) {
		mark := "ok  "
		if !ok {
			mark = "FAIL"
			failed++
		}
		fmt.Fprintf(stdout, "%s %s: %s\n", mark, what, detail)
	}
	if err := cfg.Validate(); err != nil {
		report(false, "configuration", err.Error())
	} else {
		report(true, "configuration", "valid")
	}
	if err := checkDataDir(cfg.DataDir); err != nil {
		report(false, "data directory", err.Error())
	} else {
		report(true, "data directory", cfg.DataDir+" is writable")
	}
	if cfg.Dev && cfg.MasterKey == "" && cfg.MasterKeyFile == "" {
		report(true, "master key", "dev mode: kept in the data directory (never do this in production)")
	} else if _, err := loadMasterKey(cfg); err != nil {
		report(false, "master key", err.Error())
	} else {
		report(true, "master key", "readable")
	}

	bdb, err := db.Open(ctx, db.Options{URL: cfg.DatabaseURL})
	if err != nil {
		report(false, "database", err.Error())
	} else {
		defer bdb.Close()
		report(true, "database", db.DialectName(bdb)+" reachable")
		settings, err := db.Durability(ctx, bdb)
		if err != nil {
			report(false, "durability", err.Error())
		}
		for _, s := range settings {
			report(s.OK, "durability "+s.Name, s.Value)
		}
		if pending, err := pendingMigrations(ctx, bdb, cfg.DatabaseURL); err != nil {
			report(false, "schema", err.Error())
		} else if len(pending) > 0 {
			report(false, "schema", fmt.Sprintf("%d migrations pending: run `securemailbox migrate`", len(pending)))
		} else {
			report(true, "schema", "up to date")
		}
		if failed == 0 {
			sys, err := build(ctx, cfg, slog.New(slog.DiscardHandler), buildMode{})
			if err != nil {
				report(false, "system", err.Error())
			} else {
				for _, st := range sys.blob.Check(ctx) {
					ok := st.Reachable && st.Writable && st.Err == nil
					detail := fmt.Sprintf("%s reachable=%v writable=%v", st.Kind, st.Reachable, st.Writable)
					if st.FreeBytes >= 0 {
						detail += fmt.Sprintf(" free=%d MiB", st.FreeBytes>>20)
						if st.FreeBytes < 1<<30 {
							ok = false
							detail += " (less than 1 GiB free)"
						}
					}
					if st.ClockSkew > 30*time.Second || st.ClockSkew < -30*time.Second {
						ok = false
						detail += fmt.Sprintf(" clock skew %v", st.ClockSkew)
					}
					if st.Err != nil {
						detail += " error: " + st.Err.Error()
					}
					report(ok, "blob site "+st.Site, detail)
				}
				_ = sys.Close()
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d checks failed", failed)
	}
	fmt.Fprintln(stdout, "all checks passed")
	return nil
}

// checkDataDir creates the directory if needed and proves a file can be written durably.
func checkDataDir(dir string) error {
	if dir == "" {
		return errors.New("not set")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	probe := filepath.Join(dir, ".doctor-probe")
	if err := writeFileAtomic(probe, []byte("ok")); err != nil {
		return fmt.Errorf("not writable: %w", err)
	}
	return os.Remove(probe)
}
