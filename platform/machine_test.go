package platform

import (
	"runtime"
	"testing"
)

func TestMachineFacts(t *testing.T) {
	m := MachineFacts()
	if m.LogicalCores < 1 || m.RAMBytes == 0 || m.OS == "" {
		t.Fatalf("facts: %+v", m)
	}
	if runtime.GOOS == "linux" && m.Affinity == "" {
		t.Errorf("affinity not read: %+v", m)
	}
	if n := UsableCPUs(); n < 1 || n > m.LogicalCores {
		t.Errorf("usable CPUs %d of %d", n, m.LogicalCores)
	}
}
