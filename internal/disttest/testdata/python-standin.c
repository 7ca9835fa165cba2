/* A stand-in for CPython's Windows programs in PyHangar's Wine tests, where
 * no CPython for Windows can be had. Named python.exe or python3.Xt.exe it
 * is an interpreter that answers PyHangar's probe (python -I -c PROBE) with
 * the JSON CPython prints for it; named python-X.Y.Z-amd64.exe it is the
 * python.org installer, taking that installer's documented command line.
 *
 * An interpreter reads standin.txt in its own directory:
 *   version=3.13.5   the Python version it claims
 *   mode=hang        never answers
 *   mode=hold        starts a child that keeps its stdout open, then exits
 * or, in a venv's Scripts directory, the venv's pyvenv.cfg.
 *
 * The installer, like python.org's, installs per user into TargetDir:
 * python.exe, and python3.Xt.exe with Include_freethreaded=1, registered
 * under HKCU\Software\Python\PythonCore\X.Y (and X.Yt) per PEP 514; with
 * /uninstall it removes them. It logs its command line to the /log file and
 * refuses a switch or property the documentation does not list. */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static char self[MAX_PATH * 3], dir[MAX_PATH * 3], name[MAX_PATH];

static void fail(const char *msg)
{
	fprintf(stderr, "python-standin: %s\n", msg);
	exit(2);
}

/* lookup reads key from a key=value or "key = value" file. */
static int lookup(const char *path, const char *key, char *out, size_t n)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int found = 0;
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof line, f)) {
		char *eq = strchr(line, '=');
		char *k = line, *v, *end;
		if (!eq)
			continue;
		*eq = 0;
		while (*k == ' ')
			k++;
		for (end = eq - 1; end >= k && *end == ' '; end--)
			*end = 0;
		if (strcmp(k, key) != 0)
			continue;
		v = eq + 1;
		while (*v == ' ')
			v++;
		v[strcspn(v, "\r\n")] = 0;
		snprintf(out, n, "%s", v);
		found = 1;
	}
	fclose(f);
	return found;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static int interpreter(int argc, char **argv)
{
	char cfg[MAX_PATH * 3], venv[MAX_PATH * 3], version[64] = "", mode[32] = "", home[MAX_PATH * 3] = "";
	char prefix[MAX_PATH * 3], base[MAX_PATH * 3];
	int i, probe = 0, ft, minor;
	char *slash;

	if (argc == 2 && strcmp(argv[1], "--standin-hold") == 0) {
		Sleep(INFINITE);
		return 0;
	}
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc && strstr(argv[i + 1], "PyHangar's probe"))
			probe = 1;
	if (!probe)
		fail("this stand-in answers PyHangar's probe only");

	snprintf(prefix, sizeof prefix, "%s", dir);
	snprintf(base, sizeof base, "%s", dir);
	snprintf(cfg, sizeof cfg, "%s\\standin.txt", dir);
	lookup(cfg, "version", version, sizeof version);
	lookup(cfg, "mode", mode, sizeof mode);
	/* A venv: <venv>\Scripts\python.exe beside <venv>\pyvenv.cfg. */
	snprintf(venv, sizeof venv, "%s", dir);
	if ((slash = strrchr(venv, '\\')) != NULL) {
		*slash = 0;
		snprintf(cfg, sizeof cfg, "%s\\pyvenv.cfg", venv);
		if (lookup(cfg, "home", home, sizeof home)) {
			snprintf(prefix, sizeof prefix, "%s", venv);
			snprintf(base, sizeof base, "%s", home);
			lookup(cfg, "version", version, sizeof version);
		}
	}
	if (strcmp(mode, "hang") == 0) {
		Sleep(INFINITE);
	} else if (strcmp(mode, "hold") == 0) {
		STARTUPINFOA si = {sizeof si};
		PROCESS_INFORMATION pi;
		char cmd[MAX_PATH * 3 + 32];
		snprintf(cmd, sizeof cmd, "\"%s\" --standin-hold", self);
		si.dwFlags = STARTF_USESTDHANDLES;
		si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
		si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
		si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
		if (!CreateProcessA(self, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
			fail("cannot start the child that holds stdout");
		return 0;
	}
	if (!version[0])
		fail("standin.txt (or pyvenv.cfg) gives no version");
	if (sscanf(version, "3.%d", &minor) != 1)
		fail("the version is not 3.X");
	/* python3.13t.exe: the free-threaded build. */
	ft = strlen(name) > 5 && _stricmp(name + strlen(name) - 5, "t.exe") == 0 && _strnicmp(name, "python3.", 8) == 0;

	printf("{\"version\": ");
	json_string(version);
	printf(", \"implementation\": \"cpython\", \"executable\": ");
	json_string(self);
	printf(", \"prefix\": ");
	json_string(prefix);
	printf(", \"base_prefix\": ");
	json_string(base);
	printf(", \"is_venv\": %s, \"free_threaded\": %s, \"gil_enabled\": %s",
	       strcmp(prefix, base) != 0 ? "true" : "false", ft ? "true" : "false",
	       minor >= 13 ? (ft ? "false" : "true") : "null");
	printf(", \"abiflags\": \"%s\", \"ext_suffix\": \".cp3%d%s-win_amd64.pyd\"", ft ? "t" : "", minor, ft ? "t" : "");
	printf(", \"machine\": \"AMD64\", \"pointer_bits\": 64, \"platform\": \"win32\", \"jit_available\": null, \"jit_enabled\": null, \"has_pip\": false}");
	return 0;
}

/* The switches and properties python.org's installer documents ("Installing
 * Without UI", docs.python.org/3/using/windows.html). */
static const char *switches[] = {"/passive", "/quiet", "/simple", "/uninstall", "/layout", "/log", NULL};
static const char *properties[] = {"InstallAllUsers", "TargetDir", "DefaultAllUsersTargetDir", "DefaultJustForMeTargetDir",
	"DefaultCustomTargetDir", "AssociateFiles", "CompileAll", "PrependPath", "AppendPath", "Shortcuts", "Include_doc",
	"Include_debug", "Include_dev", "Include_exe", "Include_launcher", "InstallLauncherAllUsers", "Include_lib",
	"Include_pip", "Include_symbols", "Include_tcltk", "Include_test", "Include_tools", "Include_freethreaded",
	"LauncherOnly", "SimpleInstall", "SimpleInstallDescription", NULL};

static int listed(const char **names, const char *s, size_t n)
{
	for (; *names; names++)
		if (strlen(*names) == n && _strnicmp(*names, s, n) == 0)
			return 1;
	return 0;
}

static void set_value(HKEY key, const char *sub, const char *value, const char *data)
{
	HKEY k;
	if (RegCreateKeyExA(key, sub, 0, NULL, 0, KEY_WRITE, NULL, &k, NULL) != ERROR_SUCCESS)
		fail("cannot write the registry");
	RegSetValueExA(k, value, 0, REG_SZ, (const BYTE *)data, (DWORD)strlen(data) + 1);
	RegCloseKey(k);
}

static void make_dirs(char *path)
{
	char *p;
	for (p = path + 3; *p; p++) {
		if (*p == '\\') {
			*p = 0;
			CreateDirectoryA(path, NULL);
			*p = '\\';
		}
	}
	CreateDirectoryA(path, NULL);
}

static int installer(int argc, char **argv, const char *version)
{
	char target[MAX_PATH * 3] = "", logpath[MAX_PATH * 3] = "", mm[16], key[128], path[MAX_PATH * 3 + 32];
	int i, uninstall = 0, freethreaded = 0, quiet = 0, major, minor;
	FILE *log = NULL;

	if (sscanf(version, "%d.%d", &major, &minor) != 2)
		fail("the installer's name gives no version");
	snprintf(mm, sizeof mm, "%d.%d", major, minor);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		if (a[0] == '/') {
			if (!listed(switches, a, strlen(a)))
				fail("an undocumented switch");
			if (_stricmp(a, "/log") == 0) {
				if (++i == argc)
					fail("/log without a file");
				snprintf(logpath, sizeof logpath, "%s", argv[i]);
			}
			uninstall |= _stricmp(a, "/uninstall") == 0;
			quiet |= _stricmp(a, "/quiet") == 0;
		} else if (eq && listed(properties, a, (size_t)(eq - a))) {
			if (_strnicmp(a, "TargetDir=", 10) == 0)
				snprintf(target, sizeof target, "%s", eq + 1);
			freethreaded |= _stricmp(a, "Include_freethreaded=1") == 0;
		} else {
			fail("an undocumented property");
		}
	}
	if (!quiet)
		fail("this stand-in has no user interface: pass /quiet");
	if (logpath[0]) {
		char logdir[MAX_PATH * 3], *s;
		snprintf(logdir, sizeof logdir, "%s", logpath);
		if ((s = strrchr(logdir, '\\')) != NULL) {
			*s = 0;
			make_dirs(logdir);
		}
		log = fopen(logpath, "w");
	}
	if (log) {
		fprintf(log, "python-standin installer %s:", version);
		for (i = 1; i < argc; i++)
			fprintf(log, " %s", argv[i]);
		fprintf(log, "\n");
	}
	snprintf(key, sizeof key, "Software\\Python\\PythonCore\\%s\\InstallPath", mm);
	if (uninstall) {
		DWORD n = sizeof target;
		if (RegGetValueA(HKEY_CURRENT_USER, key, NULL, RRF_RT_REG_SZ, NULL, target, &n) != ERROR_SUCCESS) {
			if (log)
				fprintf(log, "Python %s is not installed\n", version);
			return 1605; /* ERROR_UNKNOWN_PRODUCT */
		}
		if (target[0] && target[strlen(target) - 1] == '\\')
			target[strlen(target) - 1] = 0;
		snprintf(path, sizeof path, "%s\\python.exe", target);
		DeleteFileA(path);
		snprintf(path, sizeof path, "%s\\python%st.exe", target, mm);
		DeleteFileA(path);
		snprintf(path, sizeof path, "%s\\standin.txt", target);
		DeleteFileA(path);
		RemoveDirectoryA(target);
		snprintf(key, sizeof key, "Software\\Python\\PythonCore\\%s", mm);
		RegDeleteTreeA(HKEY_CURRENT_USER, key);
		RegDeleteKeyA(HKEY_CURRENT_USER, key);
		snprintf(key, sizeof key, "Software\\Python\\PythonCore\\%st", mm);
		RegDeleteTreeA(HKEY_CURRENT_USER, key);
		RegDeleteKeyA(HKEY_CURRENT_USER, key);
		if (log)
			fprintf(log, "removed %s\n", target);
		return 0;
	}
	if (!target[0])
		fail("this stand-in installs into TargetDir only");
	make_dirs(target);
	snprintf(path, sizeof path, "%s\\python.exe", target);
	if (!CopyFileA(self, path, FALSE))
		fail("cannot write python.exe");
	set_value(HKEY_CURRENT_USER, key, "", target);
	set_value(HKEY_CURRENT_USER, key, "ExecutablePath", path);
	snprintf(key, sizeof key, "Software\\Python\\PythonCore\\%s", mm);
	set_value(HKEY_CURRENT_USER, key, "Version", version);
	set_value(HKEY_CURRENT_USER, key, "SysVersion", mm);
	set_value(HKEY_CURRENT_USER, key, "SysArchitecture", "64bit");
	if (freethreaded) {
		snprintf(path, sizeof path, "%s\\python%st.exe", target, mm);
		if (!CopyFileA(self, path, FALSE))
			fail("cannot write the free-threaded python");
		snprintf(key, sizeof key, "Software\\Python\\PythonCore\\%st\\InstallPath", mm);
		set_value(HKEY_CURRENT_USER, key, "", target);
		set_value(HKEY_CURRENT_USER, key, "ExecutablePath", path);
		snprintf(key, sizeof key, "Software\\Python\\PythonCore\\%st", mm);
		set_value(HKEY_CURRENT_USER, key, "Version", version);
		set_value(HKEY_CURRENT_USER, key, "SysVersion", mm);
		set_value(HKEY_CURRENT_USER, key, "SysArchitecture", "64bit");
	}
	snprintf(path, sizeof path, "%s\\standin.txt", target);
	{
		FILE *f = fopen(path, "w");
		if (!f)
			fail("cannot write standin.txt");
		fprintf(f, "version=%s\n", version);
		fclose(f);
	}
	if (log) {
		fprintf(log, "installed Python %s into %s\n", version, target);
		fclose(log);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char version[64], *slash;
	GetModuleFileNameA(NULL, self, sizeof self);
	snprintf(dir, sizeof dir, "%s", self);
	slash = strrchr(dir, '\\');
	if (!slash)
		fail("cannot tell where it is");
	*slash = 0;
	snprintf(name, sizeof name, "%s", slash + 1);
	if (sscanf(name, "python-%63[0-9.]-amd64.exe", version) == 1)
		return installer(argc, argv, version);
	return interpreter(argc, argv);
}
