package testenv

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
)

// RealWheel is a pure-Python wheel pip and uv install, as the wheel spec
// (PEP 427) makes one: the files given (path in the wheel → content), and
// a .dist-info with METADATA naming the requirements, WHEEL and a RECORD
// that hashes every file. Its METADATA is also served as its PEP 658
// metadata.
func RealWheel(name, version string, files map[string]string, requires ...string) IndexFile {
	dist := strings.ReplaceAll(Normalize(name), "-", "_")
	info := fmt.Sprintf("%s-%s.dist-info/", dist, version)
	meta := fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, version)
	for _, r := range requires {
		meta += "Requires-Dist: " + r + "\n"
	}
	all := map[string]string{}
	for k, v := range files {
		all[k] = v
	}
	all[info+"METADATA"] = meta
	all[info+"WHEEL"] = "Wheel-Version: 1.0\nGenerator: pyhangar-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
	names := make([]string, 0, len(all))
	for k := range all {
		names = append(names, k)
	}
	sort.Strings(names)
	var record strings.Builder
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		body := all[n]
		h := sha256.Sum256([]byte(body))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", n, base64.RawURLEncoding.EncodeToString(h[:]), len(body))
		w, _ := zw.Create(n)
		w.Write([]byte(body))
	}
	record.WriteString(info + "RECORD,,\n")
	w, _ := zw.Create(info + "RECORD")
	w.Write([]byte(record.String()))
	zw.Close()
	return IndexFile{Filename: fmt.Sprintf("%s-%s-py3-none-any.whl", dist, version), Metadata: meta, Content: buf.Bytes()}
}
