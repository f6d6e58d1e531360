package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// BriefPackage is the import path of the brief command.
const BriefPackage = "github.com/brief-news/brief/cmd/brief"

// Build compiles the brief command into dir and returns the binary's path.
// It runs `go build` in the current directory, which must be inside the
// brief module (go test and `go run ./cmd/brief-bench` both are).
func Build(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "brief")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, BriefPackage)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building brief failed (run from inside the brief module, or pass the path of a built binary): %v\n%s", err, out)
	}
	return bin, nil
}

// Run is one execution of the brief binary: `brief run Inputs` writing to
// Out with its cache in Cache, against the endpoint at URL.
type Run struct {
	Bin    string
	URL    string
	Inputs string
	Out    string
	Cache  string
	Jobs   int
	// Args are more flags, e.g. --rpm 600.
	Args []string
	// Home is the child's HOME and config folder, so no user config file
	// changes what is measured; "" means a folder next to Out.
	Home string
	// AllowPartial accepts exit code 2 (some articles failed), for runs
	// where failures are a figure rather than a broken benchmark.
	AllowPartial bool
	// Timeout, when set, kills brief after that long (Measurement.Killed);
	// MemLimit caps its address space (bytes), so a run that would take
	// the machine's memory fails alone.
	Timeout  time.Duration
	MemLimit int64
}

// Measurement is what one run of the brief binary cost.
type Measurement struct {
	Start time.Time
	Wall  time.Duration
	// User and Sys are the child's own CPU time (rusage): brief's work,
	// with the fake endpoint's in the parent process and not counted.
	User, Sys time.Duration
	// MaxRSS is the child's peak resident set size in bytes.
	MaxRSS   int64
	ExitCode int
	Killed   bool // by Run.Timeout
	Stderr   string
	// Totals are the run's manifest totals (ok, cached, failed, ...).
	Totals manifest.Totals
}

// CPU is user plus system time.
func (m Measurement) CPU() time.Duration { return m.User + m.Sys }

// Exec runs brief and measures it. A run that exits non-zero is an error
// carrying brief's own stderr, since every figure assumes a clean run.
//
// brief is started through a launcher (this binary again, see
// LauncherMain) that reports brief's own rusage: Linux gives a child
// started straight from a big process that process's peak RSS as its own
// (ru_maxrss survives the vfork+exec), and the fake endpoint here holds
// every request it served.
func (r Run) Exec(ctx context.Context) (Measurement, error) {
	home := r.Home
	if home == "" {
		home = r.Out + ".home"
	}
	if err := os.MkdirAll(home, 0o755); err != nil {
		return Measurement{}, err
	}
	args := []string{"run", r.Inputs, "--out", r.Out, "--cache-dir", r.Cache, "-j", strconv.Itoa(max(r.Jobs, 1)), "--quiet"}
	args = append(args, r.Args...)
	if !launcherInstalled {
		return Measurement{}, errors.New("bench.LauncherMain was not called by this program's main (or TestMain): peak RSS cannot be measured")
	}
	self, err := os.Executable()
	if err != nil {
		return Measurement{}, err
	}
	report := filepath.Join(home, fmt.Sprintf("rusage-%d.json", time.Now().UnixNano()))
	defer os.Remove(report)
	cmd := exec.CommandContext(ctx, self, append([]string{r.Bin}, args...)...)
	cmd.Dir = home
	cmd.Env = append(childEnv(home, r.URL), launchEnv+"="+report,
		fmt.Sprintf("%s=%d", launchTimeoutEnv, r.Timeout), fmt.Sprintf("%s=%d", launchMemEnv, r.MemLimit))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	m := Measurement{Stderr: stderr.String(), ExitCode: -1}
	if ps := cmd.ProcessState; ps != nil {
		m.ExitCode = ps.ExitCode()
	}
	var lr launchReport
	if data, rerr := os.ReadFile(report); rerr == nil && json.Unmarshal(data, &lr) == nil {
		m.Start, m.Wall, m.User, m.Sys, m.MaxRSS, m.Killed = time.Unix(0, lr.Start), lr.Wall, lr.User, lr.Sys, lr.MaxRSS, lr.Killed
	} else if err == nil {
		return m, fmt.Errorf("the launcher left no report of brief's resource use: %v", rerr)
	}
	if mf, merr := loadManifest(r.Out); merr == nil && mf != nil {
		m.Totals = mf.Totals
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if r.AllowPartial && m.ExitCode == 2 {
			return m, nil
		}
		return m, fmt.Errorf("brief %s exited with %d:\n%s", strings.Join(args, " "), m.ExitCode, m.Stderr)
	}
	return m, err
}

// launchEnv names the file a launcher writes its report to; the other two
// carry Run.Timeout (nanoseconds) and Run.MemLimit (bytes), 0 for none.
const (
	launchEnv        = "BRIEF_BENCH_LAUNCH_REPORT"
	launchTimeoutEnv = "BRIEF_BENCH_LAUNCH_TIMEOUT"
	launchMemEnv     = "BRIEF_BENCH_LAUNCH_MEMLIMIT"
)

var launcherInstalled bool

// launchReport is brief's resource use as its launcher saw it.
type launchReport struct {
	Start     int64 // Unix nanoseconds
	Wall      time.Duration
	User, Sys time.Duration
	MaxRSS    int64 // bytes
	Killed    bool
}

// LauncherMain must be the first call in main (or TestMain) of a program
// that runs Suite figures. Run.Exec starts that same program with a report
// file in the environment; it then runs the brief command line it was
// given, waits for it and writes brief's own rusage to the file, then exits
// with brief's exit code. Started from this small process, brief's peak
// RSS is its own.
func LauncherMain() {
	launcherInstalled = true
	report := os.Getenv(launchEnv)
	if report == "" {
		return
	}
	os.Exit(launch(report, os.Args[1:]))
}

func launch(report string, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "launcher: no command")
		return 127
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "BRIEF_BENCH_LAUNCH_") })
	// brief goes when the launcher goes (the benchmark was cancelled).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if limit, _ := strconv.ParseUint(os.Getenv(launchMemEnv), 10, 64); limit > 0 {
		// Inherited by brief; the launcher itself needs little.
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
			fmt.Fprintln(os.Stderr, "launcher: memory limit:", err)
			return 127
		}
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		return 127
	}
	var killed atomic.Bool
	if d, _ := strconv.ParseInt(os.Getenv(launchTimeoutEnv), 10, 64); d > 0 {
		t := time.AfterFunc(time.Duration(d), func() { killed.Store(true); cmd.Process.Kill() })
		defer t.Stop()
	}
	err := cmd.Wait()
	wall := time.Since(start)
	ps := cmd.ProcessState
	if ps == nil {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		return 127
	}
	lr := launchReport{Start: start.UnixNano(), Wall: wall, User: ps.UserTime(), Sys: ps.SystemTime(), Killed: killed.Load()}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		lr.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	data, _ := json.Marshal(lr)
	if err := os.WriteFile(report, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		return 127
	}
	return ps.ExitCode()
}

// childEnv is the parent's environment without anything that configures
// brief, plus the endpoint and model of the fake.
func childEnv(home, url string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "BRIEF_") || strings.HasPrefix(k, "OPENAI_") || strings.HasPrefix(k, "XDG_") || k == "HOME" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"OPENAI_BASE_URL="+url,
		"OPENAI_API_KEY=",
		"BRIEF_MODEL="+llmtest.Model,
	)
}

// loadManifest reads the manifest.json a run of brief left in out.
func loadManifest(out string) (*manifest.Manifest, error) {
	root, err := os.OpenRoot(out)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return manifest.Load(root, "manifest.json")
}
