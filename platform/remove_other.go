//go:build !windows

package platform

import "os"

func removeAll(path string) error { return os.RemoveAll(path) }
