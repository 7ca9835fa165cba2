package envs

// Status says whether an interpreter, or a venv, works. Its JSON is the
// text of the constant.
type Status string

const (
	// StatusOK: it runs and answers as it should.
	StatusOK Status = "ok"
	// StatusBroken: it does not; the record's error or problems say why.
	StatusBroken Status = "broken"
)

// Origin says how PyHangar knows a venv.
type Origin string

const (
	// OriginCreated: PyHangar made it (venv create, a profile, a try).
	OriginCreated Origin = "created"
	// OriginRegistered: the user made it elsewhere and registered it
	// (venv add). PyHangar checks it, never replaces it.
	OriginRegistered Origin = "registered"
	// OriginFound: discovery found it; it is not recorded.
	OriginFound Origin = "found"
)

// VenvTool is what makes a venv.
type VenvTool string

const (
	// ToolVenv: the base interpreter's own venv module, with pip.
	ToolVenv VenvTool = "venv"
	// ToolUV: uv venv, with uv pip for its packages.
	ToolUV VenvTool = "uv"
)
