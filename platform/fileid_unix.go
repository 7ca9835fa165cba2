//go:build !windows

package platform

import (
	"os"
	"syscall"
)

// StatID stats path, following symlinks.
func StatID(path string) (FileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return FileID{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return FileID{Size: fi.Size(), MtimeNs: fi.ModTime().UnixNano()}, nil
	}
	return FileID{
		Dev:     uint64(st.Dev),
		Ino:     uint64(st.Ino),
		Size:    fi.Size(),
		MtimeNs: fi.ModTime().UnixNano(),
		CtimeNs: ctimeNs(st),
	}, nil
}
