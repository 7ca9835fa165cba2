//go:build !windows

package platform

import (
	"os"
	"runtime"
	"syscall"
)

// PeakRSS is a finished child's peak resident set size in bytes (0 when
// the OS does not say).
func PeakRSS(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss) // bytes on macOS
	}
	return int64(ru.Maxrss) * 1024 // KiB elsewhere
}
