// Package fleettest runs the Ansible collection in ansible/ for real: the
// engine (Debian's ansible-core) drives three "machines" over real SSH on
// 127.0.0.1 (one sshd on a loopback port, three local accounts with their
// own homes and data dirs, key-based login made by the test), sets each up
// with the pyhangar.hangar.setup role from the Linux download make dist
// builds, gathers pyhangar.hangar.facts and writes the fleet report. It
// holds tests only, for Linux, and needs root (to make the accounts); make test runs
// it with the download named in PYHANGAR_DIST.
package fleettest
