package platform

import (
	"math"
	"runtime"

	"github.com/shirou/gopsutil/v3/cpu"
	"github.com/shirou/gopsutil/v3/host"
	"github.com/shirou/gopsutil/v3/load"
	"github.com/shirou/gopsutil/v3/mem"
)

// Machine is what a benchmark result depends on besides the interpreter.
type Machine struct {
	// Hostname names the machine, so runs from several machines can be
	// told apart ("the new laptop", "the build server").
	Hostname string `json:"hostname"`
	// Label is the name the user gave the machine (an inventory's name for
	// it), which tells apart machines that look alike; "" for none.
	Label         string   `json:"label,omitempty"`
	CPUModel      string   `json:"cpu_model"`
	LogicalCores  int      `json:"logical_cores"`
	PhysicalCores int      `json:"physical_cores"`
	RAMBytes      uint64   `json:"ram_bytes"`
	OS            string   `json:"os"`
	Kernel        string   `json:"kernel"`
	CPUQuota      *float64 `json:"cpu_quota"` // cgroup CPUs; nil when unlimited
	Affinity      string   `json:"affinity"`  // CPUs this process may run on
	Load1         *float64 `json:"load1"`
}

// Name is how reports name the machine: its label, else its hostname.
func (m Machine) Name() string {
	if m.Label != "" {
		return m.Label
	}
	return m.Hostname
}

// MachineFacts reads this machine's facts; what cannot be read stays empty.
func MachineFacts() Machine {
	m := Machine{LogicalCores: runtime.NumCPU()}
	if infos, err := cpu.Info(); err == nil && len(infos) > 0 {
		m.CPUModel = infos[0].ModelName
	}
	if n, err := cpu.Counts(true); err == nil && n > 0 {
		m.LogicalCores = n
	}
	if n, err := cpu.Counts(false); err == nil {
		m.PhysicalCores = n
	}
	if vm, err := mem.VirtualMemory(); err == nil {
		m.RAMBytes = vm.Total
	}
	if hi, err := host.Info(); err == nil {
		m.Hostname = hi.Hostname
		m.OS = hi.Platform + " " + hi.PlatformVersion
		if hi.Platform == "" {
			m.OS = hi.OS
		}
		m.Kernel = hi.KernelVersion
	}
	if avg, err := load.Avg(); err == nil {
		m.Load1 = &avg.Load1
	}
	m.CPUQuota = cgroupCPUQuota()
	m.Affinity = affinity()
	return m
}

// UsableCPUs is how many CPUs this process can keep busy: the affinity
// mask (runtime.NumCPU) capped by a cgroup quota.
func UsableCPUs() int {
	n := runtime.NumCPU()
	if q := cgroupCPUQuota(); q != nil {
		if c := int(math.Ceil(*q)); c > 0 && c < n {
			n = c
		}
	}
	return n
}
