package cli

import (
	"context"
	"fmt"
	"runtime"
)

func versionCommand() command {
	return command{
		name:    "version",
		summary: "print the app version, the Go version and the database's path and schema",
		run: func(ctx context.Context, s *Session, args []string) error {
			fs := newFlags(s, "version", "version [--json]")
			asJSON := fs.Bool("json", false, "print one JSON document")
			if err := parse(fs, args); err != nil {
				return err
			}
			if fs.NArg() > 0 {
				return usagef("unexpected argument %q", fs.Arg(0))
			}
			schema, err := s.Store.Version(ctx)
			if err != nil {
				return fmt.Errorf("reading the schema version of %s: %w", s.Store.Path(), err)
			}
			goVersion := fmt.Sprintf("%s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			if *asJSON {
				return writeJSON(s, map[string]any{
					"version":  s.Version,
					"go":       goVersion,
					"data_dir": s.DataDir,
					"database": s.Store.Path(),
					"schema":   schema,
				})
			}
			fmt.Fprintf(s.Stdout, "PyHangar %s\nGo       %s\nDatabase %s (schema %d)\n", s.Version, goVersion, s.Store.Path(), schema)
			return nil
		},
	}
}
