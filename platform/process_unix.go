//go:build !windows

package platform

import (
	"os/exec"
	"syscall"
)

// processTree is a child and everything it starts: on Unix, the process
// group the child leads.
type processTree struct{ cmd *exec.Cmd }

// start starts the child as the leader of a process group of its own.
func (t *processTree) start() error {
	t.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return t.cmd.Start()
}

// kill kills every process in the tree.
func (t *processTree) kill() error {
	if t == nil || t.cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-t.cmd.Process.Pid, syscall.SIGKILL)
}

func (t *processTree) close() {}
