package bench

// Workload is one of the benchmark's single-thread workloads (or the
// memory run's samples). Its JSON is the text of the constant.
type Workload string

const (
	// Float: float arithmetic in a loop.
	Float Workload = "float"
	// Calls: function and method calls.
	Calls Workload = "calls"
	// Alloc: small dicts, lists and objects made and dropped.
	Alloc Workload = "alloc"
	// Generator: a generator consumed in a loop.
	Generator Workload = "generator"
	// Memory names the samples of the memory runs (peak RSS only).
	Memory Workload = "memory"
)

// Workloads are the timed workloads, in report order.
var Workloads = []Workload{Float, Calls, Alloc, Generator}

// Name says in words what the workload does.
func (w Workload) Name() string {
	switch w {
	case Float:
		return "float arithmetic"
	case Calls:
		return "function calls"
	case Alloc:
		return "allocation"
	case Generator:
		return "generators"
	}
	return string(w)
}

// Mode is how a sample's work was split.
type Mode string

const (
	// ModeThread: over threads of one process.
	ModeThread Mode = "thread"
	// ModeProcess: over processes, the machine's ceiling.
	ModeProcess Mode = "process"
)

// Answer is the kind of verdict a run gets; the verdict's sentence says
// it with the figures.
type Answer string

const (
	// AnswerGILBuild: a GIL build; threads take turns.
	AnswerGILBuild Answer = "gil-build"
	// AnswerGILCameBack: free-threaded, but the GIL came back during the
	// run (an extension turned it on).
	AnswerGILCameBack Answer = "gil-came-back"
	// AnswerGILOn: free-threaded, started with the GIL on (-X gil=1,
	// PYTHON_GIL=1).
	AnswerGILOn Answer = "gil-on"
	// AnswerBusy: N processes did not get much more than one: the
	// machine was too busy to judge.
	AnswerBusy Answer = "busy"
	// AnswerNoisy: the rounds disagreed too much to judge.
	AnswerNoisy Answer = "noisy"
	// AnswerParallel: threads get at least 80% of what processes get.
	AnswerParallel Answer = "parallel"
	// AnswerPartly: between 50% and 80%.
	AnswerPartly Answer = "partly"
	// AnswerSerial: under 50%.
	AnswerSerial Answer = "serial"
)
