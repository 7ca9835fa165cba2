//go:build linux

package platform

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// cgroupCPUQuota reads the CPU limit of this process's cgroup (v2, then
// v1), in CPUs; nil when there is none.
func cgroupCPUQuota() *float64 {
	if b, err := os.ReadFile("/sys/fs/cgroup/cpu.max"); err == nil {
		f := strings.Fields(string(b))
		if len(f) == 2 && f[0] != "max" {
			q, err1 := strconv.ParseFloat(f[0], 64)
			p, err2 := strconv.ParseFloat(f[1], 64)
			if err1 == nil && err2 == nil && p > 0 {
				v := q / p
				return &v
			}
		}
		return nil
	}
	qb, err1 := os.ReadFile("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
	pb, err2 := os.ReadFile("/sys/fs/cgroup/cpu/cpu.cfs_period_us")
	if err1 != nil || err2 != nil {
		return nil
	}
	q, _ := strconv.ParseFloat(strings.TrimSpace(string(qb)), 64)
	p, _ := strconv.ParseFloat(strings.TrimSpace(string(pb)), 64)
	if q <= 0 || p <= 0 {
		return nil
	}
	v := q / p
	return &v
}

// affinity lists the CPUs this process may run on, e.g. "0-1" or "0,2".
func affinity() string {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return ""
	}
	var parts []string
	start, prev := -1, -1
	flush := func() {
		if start < 0 {
			return
		}
		if start == prev {
			parts = append(parts, strconv.Itoa(start))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", start, prev))
		}
	}
	for i := 0; i < 1024; i++ {
		if !set.IsSet(i) {
			continue
		}
		if start < 0 || i != prev+1 {
			flush()
			start = i
		}
		prev = i
	}
	flush()
	return strings.Join(parts, ",")
}
