package platform

import (
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// The facts agree with what Linux itself says, in /proc, /etc/os-release
// and uname.
func TestMachineFacts(t *testing.T) {
	m := MachineFacts()
	if m.LogicalCores < 1 || m.RAMBytes == 0 || m.OS == "" {
		t.Fatalf("facts: %+v", m)
	}
	if n := UsableCPUs(); n < 1 || n > m.LogicalCores {
		t.Errorf("usable CPUs %d of %d", n, m.LogicalCores)
	}
	if runtime.GOOS != "linux" {
		return
	}
	cpuinfo, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`(?m)^processor\s*:`).FindAll(cpuinfo, -1)); m.LogicalCores != n {
		t.Errorf("logical cores %d; /proc/cpuinfo lists %d processors", m.LogicalCores, n)
	}
	if mm := regexp.MustCompile(`(?m)^model name\s*:\s*(.+)$`).FindSubmatch(cpuinfo); mm != nil && m.CPUModel != strings.TrimSpace(string(mm[1])) {
		t.Errorf("CPU model %q; /proc/cpuinfo says %q", m.CPUModel, mm[1])
	}
	meminfo, _ := os.ReadFile("/proc/meminfo")
	if mm := regexp.MustCompile(`(?m)^MemTotal:\s*(\d+) kB`).FindSubmatch(meminfo); mm != nil {
		kb, _ := strconv.ParseUint(string(mm[1]), 10, 64)
		if m.RAMBytes != kb*1024 {
			t.Errorf("RAM %d bytes; /proc/meminfo says %d kB", m.RAMBytes, kb)
		}
	}
	if rel, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil && m.Kernel != strings.TrimSpace(string(rel)) {
		t.Errorf("kernel %q; the kernel says %q (uname -r)", m.Kernel, strings.TrimSpace(string(rel)))
	}
	if release, err := os.ReadFile("/etc/os-release"); err == nil {
		id := regexp.MustCompile(`(?m)^ID="?([^"\n]+)`).FindSubmatch(release)
		if id != nil && !strings.HasPrefix(m.OS, string(id[1])) {
			t.Errorf("OS %q; /etc/os-release says ID=%s", m.OS, id[1])
		}
	}
	status, _ := os.ReadFile("/proc/self/status")
	if mm := regexp.MustCompile(`(?m)^Cpus_allowed_list:\s*(\S+)`).FindSubmatch(status); mm != nil && m.Affinity != string(mm[1]) {
		t.Errorf("affinity %q; /proc/self/status says %q", m.Affinity, mm[1])
	}
}
