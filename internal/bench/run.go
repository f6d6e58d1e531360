package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/brief-news/brief/internal/llmtest"
	"github.com/brief-news/brief/internal/manifest"
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
	Stderr   string
	// Totals are the run's manifest totals (ok, cached, failed, ...).
	Totals manifest.Totals
}

// CPU is user plus system time.
func (m Measurement) CPU() time.Duration { return m.User + m.Sys }

// Exec runs brief and measures it. A run that exits non-zero is an error
// carrying brief's own stderr, since every figure assumes a clean run.
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
	cmd := exec.CommandContext(ctx, r.Bin, args...)
	cmd.Dir = home
	cmd.Env = childEnv(home, r.URL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	m := Measurement{Start: start, Wall: time.Since(start), Stderr: stderr.String()}
	if ps := cmd.ProcessState; ps != nil {
		m.User, m.Sys, m.ExitCode = ps.UserTime(), ps.SystemTime(), ps.ExitCode()
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			m.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
		}
	}
	if mf, merr := manifest.Load(filepath.Join(r.Out, "manifest.json")); merr == nil && mf != nil {
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
