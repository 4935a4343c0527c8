package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/securemailbox/securemailbox/internal/config"
)

// migrate applies pending migrations and exits.
func migrate(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	sys, err := build(ctx, cfg, log, buildMode{migrate: true})
	if err != nil {
		return err
	}
	defer sys.Close()
	fmt.Fprintln(stdout, "the database schema is up to date")
	return nil
}
