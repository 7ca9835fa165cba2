// Package clocale keeps Fyne quiet under the C.UTF-8 locale (common on
// servers and in containers): Fyne's locale lookup reads "C.UTF-8" as the
// language tag "C" and logs a parse error at start-up, on every command. When
// the effective locale is C.<codeset> and LANGUAGE is unset, this sets
// LANGUAGE=en, which Fyne then uses; gettext ignores LANGUAGE under the C
// locale, so child processes behave as before.
//
// It must initialise before fyne.io/fyne/v2/lang. Go initialises packages in
// import-path order among those whose imports are ready, and this package
// imports only the standard library, so it runs before Fyne's lang (whose
// golang.org/x/text imports sort after this path).
package clocale

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
