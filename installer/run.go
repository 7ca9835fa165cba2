package installer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/fetch"
	"github.com/pyhangar/pyhangar/platform"
	"github.com/pyhangar/pyhangar/pyversion"
)

// Install installs an interpreter for spec through route ("" for uv when
// present, else python.org), records the attempt, and returns the new
// interpreter as discovery identifies it. Only one process at a time
// installs a given target: another gets a *BusyError (or, with Wait, waits
// and is then given what the first installed).
func (in *Installer) Install(ctx context.Context, spec envs.Spec, route Route) (_ envs.Interpreter, rec Record, err error) {
	if route == "" {
		route = in.DefaultRoute()
	}
	reason, known := in.Unavailable()[route]
	if !known {
		return envs.Interpreter{}, rec, fmt.Errorf("unknown route %q (uv or python.org)", route)
	}
	if reason != "" {
		return envs.Interpreter{}, rec, fmt.Errorf("the %s route cannot be used here: %s", route, reason)
	}
	if in.JIT {
		if why := in.JITRefusal(spec, route); why != "" {
			return envs.Interpreter{}, rec, fmt.Errorf("%s cannot be built with the JIT: %s", spec, why)
		}
	}
	rec = Record{Spec: spec.String(), Variant: variantOf(spec), JIT: in.JIT, Method: route, Started: time.Now().UTC(), Status: StatusRunning}
	j, err := in.plan(ctx, spec, route)
	if err != nil {
		return envs.Interpreter{}, rec, in.recordFailure(ctx, rec, err)
	}
	return in.run(ctx, j, rec)
}

// run carries a job out: it takes the target's lock, records the attempt
// and installs.
func (in *Installer) run(ctx context.Context, j job, attempt Record) (_ envs.Interpreter, rec Record, err error) {
	spec, route := j.spec, j.route
	rec = attempt
	rec.Target = j.target

	lock, err := platform.TryLock(lockPath(in.DataDir, j.target))
	var held *platform.LockedError
	waited := false
	if errors.As(err, &held) {
		if !in.Wait {
			return envs.Interpreter{}, rec, &BusyError{What: j.what, PID: held.PID}
		}
		in.emit(Event{Phase: fmt.Sprintf("waiting for another install of %s (pid %d)", j.what, held.PID), Pct: -1})
		lock, err = platform.WaitLock(ctx, lockPath(in.DataDir, j.target), nil)
		waited = true
	}
	if err != nil {
		return envs.Interpreter{}, rec, err
	}
	defer lock.Unlock()
	if waited {
		// The process waited for may have installed it.
		if done, ok := in.installed(ctx, j.target); ok {
			if got, err := envs.Identify(ctx, done.Path, sourceOf(route), 0); err == nil && got.FreeThreaded == spec.FreeThreaded {
				in.emit(Event{Line: "installed by the other process: " + done.Path, Pct: -1})
				return got, done, nil
			}
		}
	}

	if err := os.MkdirAll(filepath.Join(in.DataDir, "logs"), 0o755); err != nil {
		return envs.Interpreter{}, rec, err
	}
	if rec.ID, err = in.Records.StartInstall(ctx, rec); err != nil {
		return envs.Interpreter{}, rec, err
	}
	rec.LogPath = filepath.Join(in.DataDir, "logs", fmt.Sprintf("install-%d-%s.log", rec.ID, spec))
	logFile, err := os.Create(rec.LogPath)
	if err != nil {
		return envs.Interpreter{}, rec, err
	}
	in.emit(Event{Phase: "starting", Pct: -1, LogFile: rec.LogPath})
	defer func() {
		logFile.Close()
		rec.Finished = time.Now().UTC()
		switch {
		case err == nil:
			rec.Status = StatusOK
		case errors.Is(err, context.Canceled) || ctx.Err() != nil:
			rec.Status, rec.Error = StatusCancelled, "cancelled"
			err = fmt.Errorf("install cancelled: %w", context.Canceled)
		default:
			rec.Status, rec.Error = StatusFailed, err.Error()
		}
		// How it ended is recorded even when it ended by a cancel.
		if ferr := in.Records.FinishInstall(context.WithoutCancel(ctx), rec); ferr != nil && err == nil {
			// Unrecorded, the install would be unknown to uninstall: take
			// it back; what is left is swept at the next start.
			in.discard(j)
			err = fmt.Errorf("recording the install: %w", ferr)
		}
	}()
	log := func(line string) {
		fmt.Fprintln(logFile, line)
		in.emit(Event{Line: line, Pct: -1})
	}

	var exe string
	switch route {
	case RouteUV:
		in.emit(Event{Phase: "uv python install", Pct: -1})
		var fresh bool
		exe, rec.Key, fresh, err = in.UV.Install(ctx, spec, log)
		if err == nil && !fresh {
			log("uv had " + rec.Key + " already; it stays uv's to remove")
			rec.Key = ""
		}
	case RoutePythonOrg:
		exe, err = in.pythonOrg(ctx, j, &rec, logFile, log)
	}
	if err != nil {
		return envs.Interpreter{}, rec, err
	}
	in.emit(Event{Phase: "identify", Pct: -1})
	got, err := envs.Identify(ctx, exe, sourceOf(route), 0)
	if err != nil {
		return envs.Interpreter{}, rec, fmt.Errorf("the installed interpreter does not run: %w", err)
	}
	if got.FreeThreaded != spec.FreeThreaded {
		return envs.Interpreter{}, rec, fmt.Errorf("asked for a %s build of %s but %s is a %s build",
			pyversion.BuildName(spec.FreeThreaded), spec.Version, exe, got.Build())
	}
	if j.jit && !got.HasJIT() {
		return envs.Interpreter{}, rec, fmt.Errorf("asked for the JIT but %s has none (sys._jit.is_available() is false)", exe)
	}
	rec.Path = exe
	if err := in.forgetOlder(ctx, rec); err != nil {
		return envs.Interpreter{}, rec, fmt.Errorf("recording the install: %w", err)
	}
	return got, rec, nil
}

// recordFailure records an attempt that failed before it started work.
func (in *Installer) recordFailure(ctx context.Context, rec Record, err error) error {
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		return fmt.Errorf("install cancelled: %w", context.Canceled)
	}
	rec.Status, rec.Error, rec.Finished = StatusFailed, err.Error(), time.Now().UTC()
	id, serr := in.Records.StartInstall(ctx, rec)
	if serr == nil {
		rec.ID = id
		serr = in.Records.FinishInstall(ctx, rec)
	}
	if serr != nil {
		return fmt.Errorf("%w (and recording the failed attempt failed too: %v)", err, serr)
	}
	return err
}

// installed returns the successful install of target, if there is one.
func (in *Installer) installed(ctx context.Context, target string) (Record, bool) {
	recs, err := in.Records.Installs(ctx)
	if err != nil {
		return Record{}, false
	}
	for _, r := range recs {
		if r.Target == target && r.Status == StatusOK {
			if _, err := os.Stat(r.Path); err == nil {
				return r, true
			}
		}
	}
	return Record{}, false
}

// forgetOlder drops earlier records of the same uv install (uv installs
// a key once; installing it again only finds it), so one record stays.
func (in *Installer) forgetOlder(ctx context.Context, rec Record) error {
	if rec.Key == "" {
		return nil
	}
	recs, err := in.Records.Installs(ctx)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if r.ID != rec.ID && r.Key == rec.Key && r.Status == StatusOK {
			if err := in.Records.DeleteInstall(ctx, r.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// discard removes what a job wrote under the data dir.
func (in *Installer) discard(j job) {
	if j.route == RoutePythonOrg && in.goos() != "darwin" {
		platform.DeleteMade(filepath.Join(in.PythonsDir(), j.target), builtPrefix(in.DataDir))
	}
}

// download fetches a file into the job's own download dir (only the
// process holding the job's lock writes there) and returns its path. A
// transfer that fails part-way is resumed by the next attempt.
func (in *Installer) download(ctx context.Context, j job, f File, rec *Record, log func(string)) (string, error) {
	if f.Checksum.Weak() {
		log("warning: python.org lists only an MD5 checksum for " + f.Name + "; it is checked, but MD5 is weak")
	}
	rec.URL, rec.SHA256 = fetch.Strip(f.URL), f.Checksum.Hex
	dir := downloadDir(in.DataDir, j.target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dest := filepath.Join(dir, filepath.Base(f.URL))
	log("downloading " + fetch.Redact(f.URL))
	d := in.Downloader
	if d == nil {
		d = &Downloader{}
	}
	err := d.Download(ctx, f.URL, dest, f.Checksum, f.Size, func(done, total int64) {
		pct := -1.0
		if total > 0 {
			pct = 100 * float64(done) / float64(total)
		}
		in.emit(Event{Phase: "download", Pct: pct})
	})
	if err != nil {
		os.Remove(dir) // when empty: a part file to resume from stays
		return "", err
	}
	log(fmt.Sprintf("verified %s (%s %s)", dest, f.Checksum.Algo, f.Checksum.Hex))
	return dest, nil
}

// obtain gives the job's file and what it must hash to: the file the user
// brought, or the one pick chooses among the release's files, downloaded.
// done removes what the download left.
func (in *Installer) obtain(ctx context.Context, j job, rec *Record, log func(string), pick func([]File) (File, bool), name string) (path string, sums []Checksum, done func(), err error) {
	if j.local != "" {
		rec.URL, rec.SHA256 = "file://"+filepath.ToSlash(j.local), j.sums[0].Hex
		for _, sum := range j.sums {
			log(fmt.Sprintf("installing from %s, checked against %s %s", j.local, sum.Algo, sum.Hex))
		}
		return j.local, j.sums, func() {}, nil
	}
	f, ok := pick(j.files)
	if !ok {
		return "", nil, nil, fmt.Errorf("python.org lists no %s", name)
	}
	path, err = in.download(ctx, j, f, rec, log)
	if err != nil {
		return "", nil, nil, err
	}
	return path, []Checksum{f.Checksum}, func() { platform.DeleteMade(downloadDir(in.DataDir, j.target), workArea(in.DataDir)) }, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
