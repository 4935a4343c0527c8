package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/securemailbox/securemailbox/internal/config"
	"github.com/securemailbox/securemailbox/internal/keys"
)

// genMasterKey writes a new master keyring to out (never over an existing file).
func genMasterKey(out string, stdout io.Writer) error {
	if out == "" {
		return errors.New("gen-master-key needs --out FILE (keep it outside the data directory)")
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists; refusing to overwrite a master key", out)
	}
	m, err := keys.GenerateMasterKeyring()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(out, m.Marshal()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote a new master keyring (key %s) to %s\n", m.CurrentID(), out)
	return nil
}

// rotateMasterKey adds a new current key, writes the keyring back (old keys kept, so a
// crash in the middle leaves everything readable), re-seals every value under the new key,
// and with --retire removes the older keys from the file afterwards.
func rotateMasterKey(ctx context.Context, cfg config.Config, log *slog.Logger, retire bool, stdout io.Writer) error {
	path := cfg.MasterKeyFile
	if cfg.Dev && path == "" {
		path = cfg.DevMasterKeyFile()
	}
	if path == "" {
		return errors.New("rotate-master-key needs the keyring as a file (master_key_file)")
	}
	sys, err := build(ctx, cfg, log, buildMode{})
	if err != nil {
		return err
	}
	defer sys.Close()
	old := sys.master.CurrentID()
	if err := sys.master.Rotate(); err != nil {
		return err
	}
	if err := writeFileAtomic(path, sys.master.Marshal()); err != nil {
		return fmt.Errorf("write keyring: %w", err)
	}
	n, err := sys.auth.ResealMaster(ctx)
	if err != nil {
		return fmt.Errorf("re-seal (the keyring holds both keys, so nothing is lost; run the command again): %w", err)
	}
	fmt.Fprintf(stdout, "new master key %s; re-sealed %d values\n", sys.master.CurrentID(), n)
	if retire {
		if err := sys.master.Retire(old); err != nil {
			return err
		}
		if err := writeFileAtomic(path, sys.master.Marshal()); err != nil {
			return fmt.Errorf("write keyring: %w", err)
		}
		fmt.Fprintf(stdout, "retired master key %s (SMS codes sent before now stop working)\n", old)
	}
	return nil
}

// moveTenant starts the residency move of a tenant as the operator (audited).
func moveTenant(ctx context.Context, cfg config.Config, log *slog.Logger, tenantID, region string, stdout io.Writer) error {
	if tenantID == "" || region == "" {
		return errors.New("move-tenant needs --tenant ID and --region REGION")
	}
	sys, err := build(ctx, cfg, log, buildMode{})
	if err != nil {
		return err
	}
	defer sys.Close()
	if err := sys.organizer.OperatorResidencyMove(ctx, tenantID, region); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "tenant %s now stores new data in %s; a job moves the existing data (the server's workers run it)\n", tenantID, region)
	return nil
}

// blobScrub verifies every copy of every stored object now and repairs what it can.
func blobScrub(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	sys, err := build(ctx, cfg, log, buildMode{})
	if err != nil {
		return err
	}
	defer sys.Close()
	rep, err := sys.blob.Scrub(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%+v\n", rep)
	return nil
}
