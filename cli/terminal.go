package cli

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// safeWriter passes text on with its control characters written out as
// escapes (\u001b, \u000d, \u009b; a byte that is not UTF-8 as \xff), so
// nothing PyHangar prints — interpreter answers, pyvenv.cfg values, tool
// output — can move the cursor, retitle the terminal or hide a line.
// Newlines and tabs pass as they are. JSON output stays valid JSON.
type safeWriter struct {
	w     io.Writer
	carry []byte // an incomplete UTF-8 sequence from the last write
}

func newSafeWriter(w io.Writer) *safeWriter { return &safeWriter{w: w} }

func (s *safeWriter) Write(p []byte) (int, error) {
	buf := append(s.carry, p...)
	cut := len(buf)
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				cut = i
			}
			break
		}
	}
	s.carry = append([]byte(nil), buf[cut:]...)
	_, err := s.w.Write(escapeControls(buf[:cut]))
	return len(p), err
}

// Flush writes what an incomplete last sequence left.
func (s *safeWriter) Flush() error {
	if len(s.carry) == 0 {
		return nil
	}
	_, err := s.w.Write(escapeControls(s.carry))
	s.carry = nil
	return err
}

func escapeControls(b []byte) []byte {
	var out bytes.Buffer
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == '\n' || r == '\t':
			out.WriteByte(byte(r))
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&out, `\x%02x`, b[0])
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			// \u escapes are valid JSON too, should any be in a string.
			fmt.Fprintf(&out, `\u%04x`, r)
		default:
			out.Write(b[:size])
		}
		b = b[size:]
	}
	return out.Bytes()
}
