package platform

// Source is what put an interpreter where discovery found it: the
// installer or manager that owns it, or the place it was seen. Its JSON is
// the text of the constant.
type Source string

const (
	// SourcePyHangar: PyHangar's own installs, <data-dir>/pythons/*.
	SourcePyHangar Source = "pyhangar"
	// SourceUV: uv's managed installs (cpython-3.14.2+freethreaded-...),
	// or its PEP 514 registrations (company Astral).
	SourceUV Source = "uv"
	// SourcePyenv: pyenv's versions/ (and pyenv-win's).
	SourcePyenv Source = "pyenv"
	// SourceAsdf: asdf's installs/python.
	SourceAsdf Source = "asdf"
	// SourceMise: mise's installs/python.
	SourceMise Source = "mise"
	// SourceConda: a conda installation or one of its environments.
	SourceConda Source = "conda"
	// SourceVenv: a virtual environment (a venv home, or PATH inside one).
	SourceVenv Source = "venv"
	// SourceSystem: the OS's own /usr/bin.
	SourceSystem Source = "system"
	// SourceLocal: /usr/local/bin and /opt/*/bin: source builds and vendor
	// bundles.
	SourceLocal Source = "local"
	// SourceHomebrew: a Homebrew prefix, its kegs and frameworks.
	SourceHomebrew Source = "homebrew"
	// SourcePythonOrg: python.org's installers: the macOS frameworks,
	// the Windows install dirs, the install manager and PEP 514 PythonCore.
	SourcePythonOrg Source = "python.org"
	// SourceApple: Apple's developer tools (Command Line Tools, Xcode).
	SourceApple Source = "apple"
	// SourceRegistry: a PEP 514 registration of another company.
	SourceRegistry Source = "registry"
	// SourceStore: the Microsoft Store's Python packages.
	SourceStore Source = "store"
	// SourceNuGet: the NuGet packages python, pythonx86 and
	// python-freethreaded.
	SourceNuGet Source = "nuget"
	// SourcePath: on PATH, and nothing more telling.
	SourcePath Source = "path"
)

// String is the source's name as PyHangar shows it.
func (s Source) String() string { return string(s) }
