package platform

// RemoveAll removes path and everything it holds, as os.RemoveAll does
// (which never follows a link). On Windows it carries on where some file
// systems refuse the delete os.RemoveAll asks for: see remove_windows.go.
func RemoveAll(path string) error { return removeAll(path) }
