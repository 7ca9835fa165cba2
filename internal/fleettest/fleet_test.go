//go:build linux

package fleettest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyhangar/pyhangar/internal/testenv"
)

// hosts are the inventory's machines; charlie's uv can install nothing,
// so the profile's 3.14t cannot be had there.
var hosts = []string{"alpha", "bravo", "charlie"}

// fleet is the three machines the test made: their accounts, the sshd
// that lets Ansible in, and the controller's side.
type fleet struct {
	base      string            // everything the test made, removed at the end
	users     map[string]string // host -> account
	homes     map[string]string // host -> home
	inventory string
	env       []string // ansible-playbook's environment
	dist      string   // the Linux download
	binary    string   // the download's pyhangar, for the controller
	python    string   // the free-threaded 3.14 the stand-in uv links
}

// The team lead's way through the collection, on three machines over real
// SSH: check mode changes nothing; the first apply puts PyHangar and the
// profile on alpha and bravo, and fails on charlie alone with PyHangar's
// one-line error; the fleet report measures each host one at a time and
// holds three machines, each by its inventory name with its runs; a second
// apply changes nothing anywhere; the facts are what each host's own
// pyhangar list --json says, with its verdict; check mode with --diff
// shows the plan and changes nothing; a second report imports nothing new.
func TestFleetThroughAnsible(t *testing.T) {
	start := time.Now()
	f := newFleet(t)
	t.Logf("three machines ready over SSH in %s", time.Since(start).Round(100*time.Millisecond))
	site := filepath.Join("testdata", "site.yml")
	setupVars := []string{"-e", "pyhangar_setup_dist=" + f.dist, "-e", "pyhangar_setup_sha256=" + fileSHA256(t, f.dist),
		"-e", "pyhangar_setup_profile_dir=" + mustAbs(t, filepath.Join("testdata", "profile"))}

	// Check mode: what would happen, and nothing on any host.
	step := time.Now()
	res := f.play(t, site, append([]string{"--check"}, setupVars...)...)
	for _, h := range hosts {
		if s := res.Stats[h]; s.Failures != 0 || s.Unreachable != 0 || s.Changed == 0 {
			t.Errorf("check mode on %s: %+v", h, s)
		}
		if msg := res.result(h, "Say that PyHangar would be put on the host").Msg; !strings.Contains(msg, "PyHangar is not on "+h) {
			t.Errorf("check mode on %s says %q", h, msg)
		}
		for _, p := range []string{".local/bin/pyhangar", ".local/share/pyhangar", ".cache/pyhangar-setup", ".config/pyhangar-profile"} {
			if _, err := os.Stat(filepath.Join(f.homes[h], p)); err == nil {
				t.Errorf("check mode made %s on %s", p, h)
			}
		}
	}
	t.Logf("check mode: %s", time.Since(step).Round(100*time.Millisecond))

	// The first apply: changed on alpha and bravo; charlie fails alone.
	step = time.Now()
	res = f.play(t, site, setupVars...)
	for _, h := range []string{"alpha", "bravo"} {
		s := res.Stats[h]
		if s.Failures != 0 || s.Changed == 0 {
			t.Errorf("first apply on %s: %+v", h, s)
		}
		r := res.result(h, "Apply the profile")
		if !r.Changed || !slices.Contains(r.Installed, "Python 3.14t") || !slices.Contains(r.Made, "venv ft (Python 3.14t)") {
			t.Errorf("the profile on %s: %+v", h, r)
		}
	}
	if s := res.Stats["charlie"]; s.Failures != 1 {
		t.Errorf("first apply on charlie: %+v", s)
	}
	failed := res.result("charlie", "Apply the profile")
	if !failed.Failed || strings.Contains(failed.Msg, "\n") || !strings.Contains(failed.Msg, "3.14t") {
		t.Errorf("charlie's failure should be PyHangar's one line naming 3.14t: %+v", failed)
	}
	if _, err := os.Stat(filepath.Join(f.homes["charlie"], ".local/bin/pyhangar")); err != nil {
		t.Errorf("charlie did not get PyHangar before its profile failed: %v", err)
	}
	t.Logf("first apply: %s", time.Since(step).Round(100*time.Millisecond))

	// The fleet report: each host measured, one at a time, fetched and
	// imported on the controller.
	step = time.Now()
	fleetDir := filepath.Join(f.base, "fleet")
	report := filepath.Join("..", "..", "ansible", "ansible_collections", "pyhangar", "hangar", "playbooks", "fleet-report.yml")
	reportVars := []string{"-e", "fleet_dir=" + fleetDir, "-e", "fleet_budget=2s", "-e", "fleet_controller_binary=" + f.binary}
	res = f.play(t, report, reportVars...)
	for _, h := range hosts {
		if s := res.Stats[h]; s.Failures != 0 || s.Unreachable != 0 {
			t.Errorf("fleet report on %s: %+v", h, s)
		}
	}
	machines := readReport(t, filepath.Join(fleetDir, "fleet-report.json"))
	var names []string
	for _, m := range machines {
		names = append(names, m.Name)
		if len(m.Runs) != 1 || m.Machine.Label != m.Name || m.Runs[0].Result.Verdict == "" {
			t.Errorf("the report's %s: %+v", m.Name, m)
		}
	}
	if !slices.Equal(names, hosts) {
		t.Fatalf("the report holds %v, not %v", names, hosts)
	}
	for i, want := range []string{"3.14.7", "3.14.7", "3.11"} {
		if r := machines[i].Runs[0].Result; !strings.HasPrefix(r.Version, want) || r.FreeThreaded != (i < 2) {
			t.Errorf("%s measured %s %s (free-threaded %v)", hosts[i], r.Path, r.Version, r.FreeThreaded)
		}
	}
	md, _ := os.ReadFile(filepath.Join(fleetDir, "fleet-report.md"))
	if !bytes.Contains(md, []byte("# Fleet report: 3 machines, 3 interpreters measured")) || !bytes.Contains(md, []byte("| charlie | 3.11")) {
		t.Errorf("the Markdown report:\n%s", md)
	}
	t.Logf("fleet report with three 2 s benchmarks: %s", time.Since(step).Round(100*time.Millisecond))

	// The second apply changes nothing; charlie still fails alone.
	step = time.Now()
	res = f.play(t, site, setupVars...)
	for _, h := range hosts {
		s := res.Stats[h]
		if s.Changed != 0 || s.Failures != map[bool]int{true: 1, false: 0}[h == "charlie"] {
			t.Errorf("second apply on %s: %+v", h, s)
		}
	}
	t.Logf("second apply: %s", time.Since(step).Round(100*time.Millisecond))

	// The facts are what the host's own pyhangar says, with its verdict.
	for i, h := range []string{"alpha", "bravo"} {
		facts := res.result(h, "Gather what PyHangar knows of the host").Facts.PyHangar
		var listed []interpreter
		if err := json.Unmarshal(f.asUser(t, h, filepath.Join(f.homes[h], ".local/bin/pyhangar"), "list", "--json"), &listed); err != nil {
			t.Fatal(err)
		}
		if len(listed) == 0 || !reflect.DeepEqual(facts.Interpreters, listed) {
			t.Errorf("%s's facts:\n%+v\nits pyhangar list --json:\n%+v", h, facts.Interpreters, listed)
		}
		if len(facts.Venvs) != 1 || facts.Venvs[0].Name != "ft" {
			t.Errorf("%s's venvs: %+v", h, facts.Venvs)
		}
		if len(facts.Verdicts) != 1 || facts.Verdicts[0].Verdict != machines[i].Runs[0].Result.Verdict || facts.Verdicts[0].Machine != h {
			t.Errorf("%s's verdicts: %+v; the report's: %+v", h, facts.Verdicts, machines[i].Runs[0].Result)
		}
	}

	// Check mode with --diff on the machines that are set up: the plan,
	// nothing to do.
	step = time.Now()
	res = f.play(t, site, append([]string{"--check", "--diff", "--limit", "alpha,bravo"}, setupVars...)...)
	for _, h := range []string{"alpha", "bravo"} {
		r := res.result(h, "Apply the profile")
		if s := res.Stats[h]; s.Changed != 0 || s.Failures != 0 || r.Diff.After == "" || !strings.Contains(r.Diff.After, "venv ft (Python 3.14t): present") {
			t.Errorf("check --diff on %s: %+v %+v", h, s, r)
		}
	}
	t.Logf("check --diff: %s", time.Since(step).Round(100*time.Millisecond))

	// Importing the same runs again changes nothing.
	step = time.Now()
	res = f.play(t, report, append([]string{"-e", "fleet_bench=false"}, reportVars...)...)
	if s := res.Stats["localhost"]; s.Failures != 0 {
		t.Errorf("second report on the controller: %+v", s)
	}
	if imported := res.result("localhost", "Import each host's runs into the fleet's store"); imported.Changed {
		t.Errorf("the second import changed the fleet's store: %+v", imported)
	}
	if again := readReport(t, filepath.Join(fleetDir, "fleet-report.json")); len(again) != 3 || len(again[0].Runs)+len(again[1].Runs)+len(again[2].Runs) != 3 {
		t.Errorf("after a second import the report holds %+v", again)
	}
	t.Logf("second report: %s; the whole test: %s", time.Since(step).Round(100*time.Millisecond), time.Since(start).Round(100*time.Millisecond))

	// PYHANGAR_FLEET_KEEP=DIR keeps the controller's side (the fleet's
	// store and its report), for the README's picture of it.
	if keep := os.Getenv("PYHANGAR_FLEET_KEEP"); keep != "" {
		run(t, "cp", "-a", fleetDir, keep)
	}
}

// interpreter is what the facts keep of an interpreter, as list --json
// gives it.
type interpreter struct {
	Path         string `json:"path"`
	Version      string `json:"version"`
	FreeThreaded bool   `json:"free_threaded"`
	GILEnabled   *bool  `json:"gil_enabled"`
	JITAvailable *bool  `json:"jit_available"`
	Source       string `json:"source"`
}

// taskResult is one host's result of one task, as the json callback
// prints it.
type taskResult struct {
	Changed   bool     `json:"changed"`
	Failed    bool     `json:"failed"`
	Skipped   bool     `json:"skipped"`
	Msg       string   `json:"msg"`
	Installed []string `json:"installed"`
	Made      []string `json:"made"`
	Diff      struct {
		After string `json:"after"`
	} `json:"diff"`
	Facts struct {
		PyHangar struct {
			Interpreters []interpreter `json:"interpreters"`
			Venvs        []struct {
				Name string `json:"name"`
			} `json:"venvs"`
			Verdicts []struct {
				Verdict string `json:"verdict"`
				Machine string `json:"machine"`
			} `json:"verdicts"`
		} `json:"pyhangar"`
	} `json:"ansible_facts"`
}

// playResult is ansible-playbook's json callback output.
type playResult struct {
	Plays []struct {
		Tasks []struct {
			Task struct {
				Name string `json:"name"`
			} `json:"task"`
			Hosts map[string]json.RawMessage `json:"hosts"`
		} `json:"tasks"`
	} `json:"plays"`
	Stats map[string]struct {
		Changed     int `json:"changed"`
		Failures    int `json:"failures"`
		Unreachable int `json:"unreachable"`
		OK          int `json:"ok"`
	} `json:"stats"`
}

// result is host's result of the last task named name (a loop's items
// folded into its "changed").
func (p playResult) result(host, name string) taskResult {
	var r taskResult
	for _, play := range p.Plays {
		for _, task := range play.Tasks {
			// A role's tasks are named "role : task".
			if raw, ok := task.Hosts[host]; ok && (task.Task.Name == name || strings.HasSuffix(task.Task.Name, " : "+name)) {
				r = taskResult{}
				json.Unmarshal(raw, &r)
			}
		}
	}
	return r
}

type reportedMachine struct {
	Name    string
	Machine struct{ Label, Hostname string }
	Runs    []struct {
		Result struct {
			Path         string
			Version      string
			FreeThreaded bool `json:"free_threaded"`
			Verdict      string
		}
	}
}

func readReport(t *testing.T, path string) []reportedMachine {
	t.Helper()
	b, err := os.ReadFile(path)
	var machines []reportedMachine
	if err == nil {
		err = json.Unmarshal(b, &machines)
	}
	if err != nil {
		t.Fatalf("the fleet report: %v\n%s", err, b)
	}
	return machines
}

// play runs ansible-playbook with the fleet's inventory and returns what
// its json callback printed; a failed host is for the caller to judge.
func (f *fleet) play(t *testing.T, playbook string, args ...string) playResult {
	t.Helper()
	cmd := exec.Command("ansible-playbook", append([]string{"-i", f.inventory, mustAbs(t, playbook)}, args...)...)
	cmd.Dir = f.base
	cmd.Env = f.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var res playResult
	if jerr := json.Unmarshal(stdout.Bytes(), &res); jerr != nil || len(res.Stats) == 0 {
		t.Fatalf("ansible-playbook %s %v: %v; %v\n%s\n%s", filepath.Base(playbook), args, err, jerr, stdout.Bytes(), stderr.Bytes())
	}
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 2) { // 2: some host failed
		t.Fatalf("ansible-playbook %s: %v\n%s", filepath.Base(playbook), err, stderr.Bytes())
	}
	return res
}

// asUser runs argv as host's account, in its home, with the environment
// the plays give it.
func (f *fleet) asUser(t *testing.T, host string, argv ...string) []byte {
	t.Helper()
	env := []string{"HOME=" + f.homes[host], "USER=" + f.users[host], "PATH=" + f.path(host)}
	cmd := exec.Command("runuser", append([]string{"-u", f.users[host], "--", "env", "-i"}, append(env, argv...)...)...)
	cmd.Dir = f.homes[host]
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v as %s: %v", argv, f.users[host], err)
	}
	return out
}

func (f *fleet) path(host string) string {
	return filepath.Join(f.homes[host], ".local", "bin") + ":" + filepath.Join(f.base, "tools") + ":/usr/bin:/bin"
}

// newFleet makes the three machines: an account each (with its own home
// under the test's folder), one key that logs in to all of them, an sshd
// on a free loopback port, the uv stand-in where the plays' PATH finds
// it, and a copy of the free-threaded 3.14 test build every account can
// read. Everything is removed when the test ends, also when it fails;
// accounts a killed run left are removed first.
func newFleet(t *testing.T) *fleet {
	t.Helper()
	if os.Geteuid() != 0 {
		if testenv.InCI() {
			t.Fatal("the fleet test makes three local accounts and an sshd: it needs root (CI runs as root)")
		}
		t.Skip("needs root, to make the accounts the three machines log in as")
	}
	for _, tool := range []string{"ansible-playbook", "/usr/sbin/sshd", "ssh-keygen", "useradd", "userdel", "runuser", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			if testenv.InCI() {
				t.Fatalf("%s is missing: make test installs ansible-core and openssh-server (scripts/system-deps.sh)", tool)
			}
			t.Skipf("%s is missing (apt-get install ansible-core openssh-server)", tool)
		}
	}
	a := testenv.FyneApp(t, filepath.Join("..", "..", "FyneApp.toml"))
	dist := testenv.DistFile(t, a.Name+"-"+a.Version+"-linux-amd64.tar.xz")
	ft := testenv.FreeThreaded(t)["3.14"]
	if ft == "" {
		t.Fatal("the free-threaded 3.14 test build is missing (scripts/test-pythons.sh builds it)")
	}
	sweepLeftovers(t)

	base, err := os.MkdirTemp("", fmt.Sprintf("pyhangar-fleet-%d-", os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	must(t, os.Chmod(base, 0o755)) // the accounts reach their homes and the shared build through it
	f := &fleet{base: base, users: map[string]string{}, homes: map[string]string{}, dist: dist}

	// The free-threaded build, hard-linked (one file system) or copied
	// where every account can read it; uv's stand-in links it in.
	shared := filepath.Join(base, "pythons", "cpython-3.14.7t")
	must(t, os.MkdirAll(filepath.Dir(shared), 0o755))
	prefix := filepath.Dir(filepath.Dir(ft))
	if out, err := exec.Command("cp", "-al", prefix, shared).CombinedOutput(); err != nil {
		if out, err := exec.Command("cp", "-a", prefix, shared).CombinedOutput(); err != nil {
			t.Fatalf("copying %s: %v %s", prefix, err, out)
		}
		t.Logf("hard links failed (%s); copied", bytes.TrimSpace(out))
	}
	f.python = filepath.Join(shared, "bin", filepath.Base(ft))
	tools := filepath.Join(base, "tools")
	must(t, os.MkdirAll(tools, 0o755))
	uv, err := os.ReadFile(testenv.UVStandIn())
	must(t, err)
	must(t, os.WriteFile(filepath.Join(tools, "uv"), uv, 0o755))

	// The controller's pyhangar: the download's.
	controller := filepath.Join(base, "controller")
	must(t, os.MkdirAll(controller, 0o700))
	if out, err := exec.Command("tar", "-xJf", dist, "-C", controller).CombinedOutput(); err != nil {
		t.Fatalf("unpacking %s: %v %s", dist, err, out)
	}
	f.binary = filepath.Join(controller, "pyhangar", "usr", "local", "bin", "pyhangar")

	// One key for the three accounts; sshd reads them from keys/%u.
	key := filepath.Join(base, "id_fleet")
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pyhangar-fleet-test", "-f", key)
	hostKey := filepath.Join(base, "ssh_host_ed25519_key")
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey)
	pub, err := os.ReadFile(key + ".pub")
	must(t, err)
	keys := filepath.Join(base, "keys")
	must(t, os.MkdirAll(keys, 0o755))
	inventory := map[string]any{}
	for _, h := range hosts {
		name := fmt.Sprintf("phf%d-%s", os.Getpid(), h)
		home := filepath.Join(base, "home", h)
		must(t, os.MkdirAll(filepath.Dir(home), 0o755))
		run(t, "useradd", "--create-home", "--home-dir", home, "--shell", "/bin/bash", "--password", "*", "--comment", "PyHangar fleet test", name)
		t.Cleanup(func() { removeAccount(name) })
		f.users[h], f.homes[h] = name, home
		must(t, os.WriteFile(filepath.Join(keys, name), pub, 0o644))
		pythons := ""
		if h != "charlie" {
			pythons = "3.14.7t=" + f.python
		}
		measure := []string{"3.14t"}
		if h == "charlie" {
			measure = []string{"/usr/bin/python3"}
		}
		inventory[h] = map[string]any{
			"ansible_user":  name,
			"fleet_env":     map[string]string{"PATH": f.path(h), "UV_STANDIN_PYTHONS": pythons},
			"fleet_pythons": measure,
		}
	}

	port := freePort(t)
	config := filepath.Join(base, "sshd_config")
	must(t, os.WriteFile(config, []byte(strings.Join([]string{
		"ListenAddress 127.0.0.1",
		"Port " + strconv.Itoa(port),
		"HostKey " + hostKey,
		"PidFile " + filepath.Join(base, "sshd.pid"),
		"AuthorizedKeysFile " + filepath.Join(keys, "%u"),
		"AllowUsers " + strings.Join(mapValues(f.users), " "),
		"StrictModes no",
		"UsePAM no",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"PermitRootLogin no",
		"Subsystem sftp internal-sftp",
		"",
	}, "\n")), 0o600))
	if _, err := os.Stat("/run/sshd"); err != nil { // sshd's privilege separation folder
		must(t, os.MkdirAll("/run/sshd", 0o755))
		t.Cleanup(func() { os.Remove("/run/sshd") })
	}
	// sshd logs to a file: its sessions outlive it while Ansible's
	// connections persist, and would hold a pipe open.
	sshdLog, err := os.Create(filepath.Join(base, "sshd.log"))
	must(t, err)
	sshd := exec.Command("/usr/sbin/sshd", "-D", "-e", "-f", config)
	sshd.Stdout, sshd.Stderr = sshdLog, sshdLog
	sshd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	must(t, sshd.Start())
	sshdLog.Close()
	t.Cleanup(func() {
		syscall.Kill(-sshd.Process.Pid, syscall.SIGKILL)
		sshd.Wait()
		// Ansible's persistent connections (ssh masters on the controller,
		// named by their control path).
		exec.Command("pkill", "-KILL", "-f", filepath.Join(base, "cp")).Run()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(base, "sshd.log"))
			t.Logf("sshd:\n%s", log)
		}
	})
	waitForPort(t, port, filepath.Join(base, "sshd.log"))

	invFile := filepath.Join(base, "inventory.json")
	b, _ := json.MarshalIndent(map[string]any{"fleet": map[string]any{
		"hosts": inventory,
		"vars": map[string]any{
			"ansible_host":                 "127.0.0.1",
			"ansible_port":                 port,
			"ansible_ssh_private_key_file": key,
			"ansible_ssh_common_args":      "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
			"ansible_python_interpreter":   "/usr/bin/python3",
		},
	}}, "", "  ")
	must(t, os.WriteFile(invFile, b, 0o644))
	f.inventory = invFile
	f.env = []string{
		"HOME=" + os.Getenv("HOME"), "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8",
		"ANSIBLE_COLLECTIONS_PATH=" + mustAbs(t, filepath.Join("..", "..", "ansible")),
		"ANSIBLE_STDOUT_CALLBACK=fleet_json", "ANSIBLE_CALLBACK_PLUGINS=" + mustAbs(t, filepath.Join("testdata", "callback_plugins")), "ANSIBLE_HOST_KEY_CHECKING=False", "ANSIBLE_PIPELINING=True",
		"ANSIBLE_LOCAL_TEMP=" + filepath.Join(base, "ansible-tmp"), "ANSIBLE_SSH_CONTROL_PATH_DIR=" + filepath.Join(base, "cp"),
		"ANSIBLE_RETRY_FILES_ENABLED=False", "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORKS=5", "ANSIBLE_CONFIG=" + filepath.Join(base, "ansible.cfg"),
	}
	must(t, os.WriteFile(filepath.Join(base, "ansible.cfg"), []byte("[defaults]\n"), 0o644))
	return f
}

// sweepLeftovers removes what a killed run of this test left: its sshd
// and Ansible's connections (their command lines name its folder), the
// folder, and its accounts (the folder's name and the accounts' carry the
// run's process id, no longer running).
func sweepLeftovers(t *testing.T) {
	gone := func(pid int) bool { return pid != os.Getpid() && syscall.Kill(pid, 0) != nil }
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "pyhangar-fleet-*-*"))
	for _, dir := range dirs {
		var pid int
		if _, err := fmt.Sscanf(strings.TrimPrefix(filepath.Base(dir), "pyhangar-fleet-"), "%d-", &pid); err != nil || !gone(pid) {
			continue
		}
		t.Logf("removing %s, left by a run that was killed", dir)
		exec.Command("pkill", "-KILL", "-f", dir).Run()
		os.RemoveAll(dir)
	}
	b, err := os.ReadFile("/etc/passwd")
	must(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		name, _, _ := strings.Cut(line, ":")
		var pid int
		var host string
		if n, _ := fmt.Sscanf(strings.Replace(name, "-", " ", 1), "phf%d %s", &pid, &host); n != 2 || !slices.Contains(hosts, host) || !gone(pid) {
			continue
		}
		t.Logf("removing the account %s, left by a run that was killed", name)
		removeAccount(name)
	}
}

// removeAccount ends the account's processes and removes it with its home.
func removeAccount(name string) {
	if _, err := user.Lookup(name); err != nil {
		return
	}
	exec.Command("pkill", "-KILL", "-u", name).Run()
	for i := 0; i < 50 && exec.Command("pgrep", "-u", name).Run() == nil; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	exec.Command("userdel", "--remove", "--force", name).Run()
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitForPort(t *testing.T, port int, logFile string) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile)
			t.Fatalf("sshd does not listen on %d: %v\n%s", port, err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fileSHA256(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	must(t, err)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func mustAbs(t *testing.T, path string) string {
	abs, err := filepath.Abs(path)
	must(t, err)
	return abs
}

func run(t *testing.T, argv ...string) {
	t.Helper()
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", argv, err, out)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
