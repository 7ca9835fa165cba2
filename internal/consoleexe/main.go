// Command consoleexe copies a Windows executable with its PE subsystem set
// to console, as `editbin /SUBSYSTEM:CONSOLE` does. make dist makes
// pyhangar.exe (the CLI, which prints in the terminal it is run from) this
// way from the pyhangarw.exe that fyne package builds (always linked as a
// GUI program), so the two differ in that one field and carry the same
// icon and version resource.
//
//	consoleexe GUI.exe CONSOLE.exe
package main

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: consoleexe GUI.exe CONSOLE.exe")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err == nil {
		err = setSubsystem(data, pe.IMAGE_SUBSYSTEM_WINDOWS_CUI)
	}
	if err == nil {
		err = os.WriteFile(os.Args[2], data, 0o755)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "consoleexe:", err)
		os.Exit(1)
	}
}

// subsystemOffset is where the subsystem field sits in the optional
// header, in PE32 and PE32+ alike (Microsoft's PE format documentation).
const subsystemOffset = 68

// setSubsystem sets the subsystem field of the Windows GUI or console
// executable in data. The image checksum is left as it is: Windows checks
// it for drivers and boot-time images only, and the go command's build ID,
// written after linking, has already made it stale.
func setSubsystem(data []byte, subsystem uint16) error {
	f, err := pe.NewFile(bytes.NewReader(data))
	if err != nil {
		return err
	}
	var current uint16
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		current = oh.Subsystem
	case *pe.OptionalHeader32:
		current = oh.Subsystem
	default:
		return errors.New("not an executable: no optional header")
	}
	if current != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI && current != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
		return fmt.Errorf("subsystem %d is neither GUI nor console", current)
	}
	optional := int(binary.LittleEndian.Uint32(data[0x3c:])) + 4 + 20 // "PE\0\0", then the COFF header
	if got := binary.LittleEndian.Uint16(data[optional+subsystemOffset:]); got != current {
		return fmt.Errorf("the subsystem field is not where the PE format puts it (read %d, the header says %d)", got, current)
	}
	binary.LittleEndian.PutUint16(data[optional+subsystemOffset:], subsystem)
	return nil
}
