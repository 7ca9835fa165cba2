// Package disttest tests the downloads make dist builds, as a user gets
// them: the Linux tarball unpacked and run, and the Windows zip unpacked
// and run under Wine (its CLI, the live registry, its child processes, the
// official installer's command line, and its window under Xvfb). It holds
// tests only; make test builds dist/ first and names it in PYHANGAR_DIST.
package disttest
