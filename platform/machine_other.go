//go:build !linux

package platform

// cgroupCPUQuota: cgroups are Linux's.
func cgroupCPUQuota() *float64 { return nil }

// affinity is not read off Linux.
func affinity() string { return "" }
