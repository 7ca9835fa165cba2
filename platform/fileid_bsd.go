//go:build darwin || freebsd || netbsd || openbsd

package platform

import "syscall"

func ctimeNs(st *syscall.Stat_t) int64 { return st.Ctimespec.Nano() }
