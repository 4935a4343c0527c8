package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/securemailbox/securemailbox/internal/config"
)

const usage = `securemailbox — confidential messages

Usage:
  securemailbox serve   [flags]   run the server (--dev for embedded defaults, --migrate to migrate first)
  securemailbox migrate [flags]   apply pending database migrations
  securemailbox doctor  [flags]   check configuration, database durability, data directory and blob sites
  securemailbox admin gen-master-key [flags] --out FILE
  securemailbox admin rotate-master-key [flags] [--retire]   (with the server stopped)
  securemailbox admin move-tenant [flags] --tenant ID --region REGION
  securemailbox blob scrub [flags]

Every sub-command takes the same flags and SECUREMAILBOX_* environment variables;
run "securemailbox serve -h" to list them.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "securemailbox:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no sub-command given")
	}
	cmd, rest := args[0], args[1:]
	if cmd == "admin" || cmd == "blob" {
		if len(rest) == 0 {
			fmt.Fprint(stderr, usage)
			return fmt.Errorf("%s needs a task", cmd)
		}
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	var extra flagExtras
	rest = extra.take(cmd, rest)
	cfg, err := config.Load(cmd, rest, environ)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	switch cmd {
	case "serve":
		return serve(ctx, cfg, logger, stdout)
	case "migrate":
		return migrate(ctx, cfg, logger, stdout)
	case "doctor":
		return doctor(ctx, cfg, stdout)
	case "admin gen-master-key":
		return genMasterKey(extra.out, stdout)
	case "admin rotate-master-key":
		return rotateMasterKey(ctx, cfg, logger, extra.retire, stdout)
	case "admin move-tenant":
		return moveTenant(ctx, cfg, logger, extra.tenant, extra.region, stdout)
	case "blob scrub":
		return blobScrub(ctx, cfg, logger, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown sub-command %q", cmd)
	}
}

// flagExtras are the few flags that belong to one admin task rather than to the config.
type flagExtras struct {
	out            string
	retire         bool
	tenant, region string
}

func (e *flagExtras) take(cmd string, args []string) []string {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case cmd == "admin gen-master-key" && (a == "--out" || a == "-out") && i+1 < len(args):
			e.out = args[i+1]
			i++
		case cmd == "admin rotate-master-key" && (a == "--retire" || a == "-retire"):
			e.retire = true
		case cmd == "admin move-tenant" && (a == "--tenant" || a == "--region") && i+1 < len(args):
			if a == "--tenant" {
				e.tenant = args[i+1]
			} else {
				e.region = args[i+1]
			}
			i++
		default:
			rest = append(rest, a)
		}
	}
	return rest
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
