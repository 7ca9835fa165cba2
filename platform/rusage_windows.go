//go:build windows

package platform

import "os"

// PeakRSS is 0 on Windows: os.ProcessState carries only CPU times there.
func PeakRSS(ps *os.ProcessState) int64 { return 0 }
