package platform

// FileID tells whether two paths reach the same file and whether a file
// changed since it was last looked at.
type FileID struct {
	Dev, Ino uint64 // device and inode (volume serial and file index on Windows)
	Size     int64
	MtimeNs  int64
	CtimeNs  int64 // status change time (creation time on Windows)
}

// SameFile reports whether two IDs name one file.
func (a FileID) SameFile(b FileID) bool { return a.Dev == b.Dev && a.Ino == b.Ino }
