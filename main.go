// PyHangar manages Python interpreters, free-threaded builds included. With
// no arguments it opens its window; subcommands run headless.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/pyhangar/pyhangar/cli"
	"github.com/pyhangar/pyhangar/ui"
)

// version is the app version (also in FyneApp.toml).
const version = "0.1.0"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	gui := func(ctx context.Context, s cli.Session) error {
		return ui.Run(ctx, ui.Config{Version: s.Version, DataDir: s.DataDir, Store: s.Store, StoreErr: s.StoreErr, Notice: s.Notice})
	}
	code := cli.Main(ctx, os.Args[1:], cli.Options{Version: version, Stdout: os.Stdout, Stderr: os.Stderr,
		Stdin: os.Stdin, Interactive: term.IsTerminal(int(os.Stdin.Fd())), GUI: gui})
	stop()
	os.Exit(code)
}
