// PyHangar manages Python interpreters, free-threaded builds included. With
// no arguments it opens its window; subcommands run headless.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/BurntSushi/toml"
	"golang.org/x/term"

	"github.com/pyhangar/pyhangar/cli"
	"github.com/pyhangar/pyhangar/ui"
)

// fyneApp is FyneApp.toml, the one source of the app's name, ID and
// version: fyne package reads it for the downloads, the binary from here.
//
//go:embed FyneApp.toml
var fyneApp string

// appInfo is what PyHangar takes from FyneApp.toml.
type appInfo struct {
	Details struct {
		Name    string
		ID      string
		Version string
	}
}

func readAppInfo() (appInfo, error) {
	var info appInfo
	if _, err := toml.Decode(fyneApp, &info); err != nil {
		return info, fmt.Errorf("FyneApp.toml: %w", err)
	}
	if d := info.Details; d.Name == "" || d.ID == "" || d.Version == "" {
		return info, fmt.Errorf("FyneApp.toml: Name, ID and Version must all be set (have %q, %q, %q)", d.Name, d.ID, d.Version)
	}
	return info, nil
}

func main() {
	info, err := readAppInfo()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pyhangar:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	gui := func(ctx context.Context, s cli.Session) error {
		return ui.Run(ctx, ui.Config{AppID: info.Details.ID, Name: info.Details.Name, Version: s.Version,
			DataDir: s.DataDir, Store: s.Store, StoreErr: s.StoreErr, Notice: s.Notice})
	}
	code := cli.Main(ctx, os.Args[1:], cli.Options{Version: info.Details.Version, Stdout: os.Stdout, Stderr: os.Stderr,
		Stdin: os.Stdin, Interactive: term.IsTerminal(int(os.Stdin.Fd())), GUI: gui})
	stop()
	os.Exit(code)
}
