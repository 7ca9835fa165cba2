package installer

import (
	"fmt"
	"strings"

	"github.com/pyhangar/pyhangar/pyversion"
)

// The python.org installers for Windows and macOS, as their documentation
// gives them. These commands cannot run on Linux; they are built here, in
// one place, and tested exactly as built.

// WindowsInstallerSwitches and WindowsInstallerProperties are the names
// the python.org Windows installer accepts, as its documentation lists them
// ("Installing Without UI" in docs.python.org/3/using/windows.html, and
// the installer's own /? text, Tools/msi/bundle/Default.wxl). Commands are
// built from these names only; the tests hold them to it.
var (
	WindowsInstallerSwitches   = []string{"/passive", "/quiet", "/simple", "/uninstall", "/layout", "/log"}
	WindowsInstallerProperties = []string{"InstallAllUsers", "TargetDir", "DefaultAllUsersTargetDir", "DefaultJustForMeTargetDir",
		"DefaultCustomTargetDir", "AssociateFiles", "CompileAll", "PrependPath", "AppendPath", "Shortcuts", "Include_doc",
		"Include_debug", "Include_dev", "Include_exe", "Include_launcher", "InstallLauncherAllUsers", "Include_lib", "Include_pip",
		"Include_symbols", "Include_tcltk", "Include_test", "Include_tools", "Include_freethreaded", "LauncherOnly",
		"SimpleInstall", "SimpleInstallDescription"}
)

// WindowsInstallArgs is the python.org Windows installer's command line for
// a per-user, quiet install into targetDir with the free-threaded binaries
// (python3.X t.exe beside python.exe), logging to logFile.
func WindowsInstallArgs(installer, targetDir, logFile string) []string {
	return []string{
		installer,
		"/quiet",
		"InstallAllUsers=0",
		"Include_freethreaded=1",
		"PrependPath=0",
		"Shortcuts=0",
		"Include_launcher=0",
		"TargetDir=" + targetDir,
		"/log", logFile,
	}
}

// WindowsUninstallArgs is the same installer's command line that removes
// the install it made, quietly, logging to logFile.
func WindowsUninstallArgs(installer, logFile string) []string {
	return []string{installer, "/quiet", "/uninstall", "/log", logFile}
}

// WindowsExitOK reads the Windows installer's exit code: 0 is success, 3010
// success that needs a reboot.
func WindowsExitOK(code int) (ok, reboot bool) {
	switch code {
	case 0:
		return true, false
	case 3010:
		return true, true
	}
	return false, false
}

// WindowsFreeThreadedExe is where the free-threaded interpreter lands.
func WindowsFreeThreadedExe(targetDir string, ver pyversion.Version) string {
	return strings.TrimRight(targetDir, `\`) + `\python` + string(ver.Minor()) + `t.exe`
}

// MacChoiceChanges is the installer choice-changes plist that selects the
// free-threaded framework (PythonT.framework) in the python.org package.
func MacChoiceChanges(ver pyversion.Version) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<array>
	<dict>
		<key>attributeSetting</key>
		<integer>1</integer>
		<key>choiceAttribute</key>
		<string>selected</string>
		<key>choiceIdentifier</key>
		<string>org.python.Python.PythonTFramework-%s</string>
	</dict>
</array>
</plist>
`, ver.Minor())
}

// MacInstallArgs runs installer(8) with the choice changes, elevated through
// osascript so the user sees the system's password prompt.
func MacInstallArgs(pkg, choices string) []string {
	shell := "/usr/sbin/installer -pkg " + shellQuote(pkg) + " -applyChoiceChangesXML " + shellQuote(choices) + " -target /"
	return []string{"/usr/bin/osascript", "-e", `do shell script "` + appleScriptEscape(shell) + `" with administrator privileges`}
}

// MacFreeThreadedExe is where the free-threaded interpreter lands.
func MacFreeThreadedExe(ver pyversion.Version) string {
	m := string(ver.Minor())
	return "/Library/Frameworks/PythonT.framework/Versions/" + m + "/bin/python" + m + "t"
}

// shellQuote quotes for /bin/sh, which `do shell script` runs.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// appleScriptEscape escapes a string for an AppleScript string literal.
func appleScriptEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
