//go:build windows

package platform

import (
	"os"

	"golang.org/x/sys/windows"
)

// StatID stats path, following symlinks, with the volume serial number and
// file index as its identity.
func StatID(path string) (FileID, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return FileID{}, err
	}
	h, err := windows.CreateFile(p, 0, windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return FileID{}, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer windows.CloseHandle(h)
	var info windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &info); err != nil {
		return FileID{}, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	return FileID{
		Dev:     uint64(info.VolumeSerialNumber),
		Ino:     uint64(info.FileIndexHigh)<<32 | uint64(info.FileIndexLow),
		Size:    int64(info.FileSizeHigh)<<32 | int64(info.FileSizeLow),
		MtimeNs: info.LastWriteTime.Nanoseconds(),
		CtimeNs: info.CreationTime.Nanoseconds(),
	}, nil
}
