package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/platform"
)

func scanCommand() command {
	return command{
		name:    "scan",
		summary: "find the interpreters on another machine's disk, without running anything",
		run: func(ctx context.Context, s *Session, args []string) error {
			fs := newFlags(s, "scan", "scan --os windows|macos|linux --root DIR [--registry FILE.reg] [--json]")
			osName := fs.String("os", "", "the disk's operating system: windows, macos or linux")
			root := fs.String("root", "", "the directory that stands for the disk's / (or C:\\)")
			regFile := fs.String("registry", "", "a regedit export (.reg) holding the PEP 514 keys (Windows)")
			asJSON := fs.Bool("json", false, "print one JSON array")
			if err := parse(fs, args); err != nil {
				return err
			}
			if fs.NArg() > 0 {
				return usagef("unexpected argument %q", fs.Arg(0))
			}
			goos, ok := map[string]string{"windows": "windows", "macos": "darwin", "darwin": "darwin", "linux": "linux"}[*osName]
			if !ok {
				return usagef("--os must be windows, macos or linux")
			}
			if *root == "" {
				return usagef("--root DIR is required")
			}
			if fi, err := os.Stat(*root); err != nil || !fi.IsDir() {
				return fmt.Errorf("--root %s is not a directory", *root)
			}
			var reg platform.RegistryReader
			if *regFile != "" {
				if goos != "windows" {
					return usagef("--registry is for --os windows")
				}
				data, err := os.ReadFile(*regFile)
				if err != nil {
					return fmt.Errorf("reading %s: %w", *regFile, err)
				}
				rf, err := platform.ParseRegFile(data)
				if err != nil {
					return fmt.Errorf("%s: %w", *regFile, err)
				}
				reg = rf
			}
			list, _ := envs.Scan(platform.ScannedHost(goos, *root, reg))
			if *asJSON {
				return writeJSON(s, list)
			}
			printInterpreters(s.Stdout, list, false)
			return nil
		},
	}
}
