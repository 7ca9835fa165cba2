// Package cli is PyHangar's command line: global flags, the data dir and the
// store, and one small command per subcommand. The window is opened through
// the GUI function main.go hands in, so this package knows nothing of Fyne.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/pyhangar/pyhangar/hangar"
	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/store"
)

// Options are what main.go gives the command line.
type Options struct {
	Version string
	Stdout  io.Writer
	Stderr  io.Writer
	// Stdin is where answers to questions come from; Interactive says
	// whether a person is there to give them (stdin is a terminal).
	Stdin       io.Reader
	Interactive bool
	Getenv      func(string) string
	// GUI opens the window and returns when it closes.
	GUI func(ctx context.Context, s Session) error
}

// Session is what a command runs with: the data dir and its open store.
type Session struct {
	Version string
	DataDir string
	Store   *store.Store
	// Hangar is the use cases over the data dir and its store.
	Hangar *hangar.Hangar
	// StoreErr is why the store could not be opened (only the GUI runs
	// without a store, to show this to the user).
	StoreErr error
	// Notice is something the user must be told about the store (a
	// corrupt database moved aside), or "".
	Notice string
	Stdout io.Writer
	Stderr io.Writer
	// Stdin and Interactive: see Options.
	Stdin       io.Reader
	Interactive bool
	Getenv      func(string) string
	// rawStderr is stderr itself, for the control characters of a
	// progress line (everything else goes through Stderr, escaped).
	rawStderr io.Writer
}

// progressLine shows text as the one line of progress on the terminal: at
// the line's start, the rest of the line cleared. The text's own control
// characters are escaped; done ("" text) clears the line.
func (s *Session) progressLine(text string) {
	fmt.Fprintf(s.rawStderr, "\r%s\033[K", escapeControls([]byte(text)))
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	// run parses its own flags from args. A usageError means exit 2.
	run func(ctx context.Context, s *Session, args []string) error
}

// usageError marks bad usage: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// errHelp is returned by a command that printed its help on request.
var errHelp = flag.ErrHelp

func commands() []command {
	return []command{
		{name: "gui", summary: "open the window (the default with no command)"},
		availableCommand(),
		tryCommand(),
		benchCommand(),
		doctorCommand(),
		getUVCommand(),
		installCommand(),
		listCommand(),
		profileCommand(),
		readyCommand(),
		scanCommand(),
		uninstallCommand(),
		venvCommand(),
		versionCommand(),
	}
}

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, opt Options) int {
	if opt.Getenv == nil {
		opt.Getenv = os.Getenv
	}
	rawStderr := opt.Stderr
	stdout, stderr := newSafeWriter(opt.Stdout), newSafeWriter(opt.Stderr)
	defer stdout.Flush()
	defer stderr.Flush()
	opt.Stdout, opt.Stderr = stdout, stderr
	global := flag.NewFlagSet("pyhangar", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	dataDir := global.String("data-dir", "", "")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(opt.Stdout)
			return 0
		}
		fmt.Fprintf(opt.Stderr, "pyhangar: %v\nRun 'pyhangar --help' for usage.\n", err)
		return 2
	}
	rest := global.Args()
	name := "gui"
	if len(rest) > 0 {
		name, rest = rest[0], rest[1:]
	}
	if name == "help" {
		printHelp(opt.Stdout)
		return 0
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == name {
			c := c
			cmd = &c
		}
	}
	if cmd == nil {
		fmt.Fprintf(opt.Stderr, "pyhangar: unknown command %q\nRun 'pyhangar --help' for usage.\n", name)
		return 2
	}

	s := &Session{Version: opt.Version, Stdout: opt.Stdout, Stderr: opt.Stderr, Stdin: opt.Stdin, Interactive: opt.Interactive, Getenv: opt.Getenv, rawStderr: rawStderr}
	if s.Stdin == nil {
		s.Stdin = strings.NewReader("")
	}
	s.DataDir, s.StoreErr = resolveDataDir(*dataDir, opt.Getenv)
	if s.StoreErr == nil {
		s.Store, s.StoreErr = store.Open(s.DataDir)
	}
	if s.Store != nil {
		defer s.Store.Close()
		s.Notice = s.Store.Notice()
		s.Hangar = hangar.New(s.DataDir, s.Store)
		s.Hangar.Getenv = opt.Getenv
		// What a killed process left behind is cleared before anything
		// else runs.
		swept, err := installer.Sweep(ctx, s.DataDir, s.Store)
		for _, r := range swept {
			fmt.Fprintf(opt.Stderr, "pyhangar: an install of %s did not finish (its process ended); what it left was removed\n", r.Spec)
		}
		if err != nil {
			fmt.Fprintf(opt.Stderr, "pyhangar: clearing interrupted installs: %v\n", oneLine(err))
		}
	}

	if cmd.name == "gui" {
		if len(rest) > 0 {
			fmt.Fprintf(opt.Stderr, "pyhangar: gui takes no arguments\n")
			return 2
		}
		if err := opt.GUI(ctx, *s); err != nil {
			fmt.Fprintf(opt.Stderr, "pyhangar: %v\n", oneLine(err))
			return 1
		}
		return 0
	}
	if s.StoreErr != nil && !wantsHelp(rest) {
		fmt.Fprintf(opt.Stderr, "pyhangar: %v\n", oneLine(s.StoreErr))
		return 1
	}
	if s.Notice != "" {
		fmt.Fprintf(opt.Stderr, "pyhangar: %s\n", s.Notice)
	}
	err := cmd.run(ctx, s, rest)
	var ue usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(opt.Stderr, "pyhangar %s: %v\nRun 'pyhangar %s --help' for usage.\n", cmd.name, err, cmd.name)
		return 2
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(opt.Stderr, "pyhangar %s: cancelled\n", cmd.name)
		return 1
	default:
		fmt.Fprintf(opt.Stderr, "pyhangar %s: %v\n", cmd.name, oneLine(err))
		return 1
	}
}

func resolveDataDir(flagValue string, getenv func(string) string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if env := getenv(platform.DataDirEnv); env != "" {
		return env, nil
	}
	return platform.DefaultDataDir()
}

func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

// oneLine keeps an error to the single line the CLI contract promises.
func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", " ")), " ")
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `PyHangar manages Python interpreters, free-threaded builds included.

Usage:
  pyhangar [--data-dir DIR] [COMMAND] [ARGS]

With no command, PyHangar opens its window.

Commands:
`)
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Global flags:
  --data-dir DIR   where PyHangar keeps its database, venvs and installs
                   (also PYHANGAR_HOME; default: the per-user data dir)

Run 'pyhangar COMMAND --help' for a command's flags.
Exit status: 0 success, 1 failure, 2 bad usage.
`)
}

// newFlags makes a subcommand's flag set; its usage text is printed for
// --help and for bad flags.
func newFlags(s *Session, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(s.Stdout)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: pyhangar %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses a subcommand's flags: --help prints usage (errHelp), a bad
// flag is a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return errHelp
	}
	if err != nil {
		return usageError{err.Error()}
	}
	return nil
}
