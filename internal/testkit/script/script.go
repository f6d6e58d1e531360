// Package script is the harness of brief's end-to-end tests: the testscript
// scripts in testdata/script/, run against the real binary with only the
// model endpoint faked (llmtest). Two test packages run them, each its half
// (Packages), so that each has go test's own 10-minute budget and go test
// runs them side by side; each has a TestMain that makes `brief` the real
// cli.Main. Only tests import this package.
package script

import (
	"os"
	"path/filepath"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/brief-news/brief/internal/testkit/llmtest"
)

// Packages says which test package runs which script (its name without
// .txtar), halves of about equal cost measured under -race:
// TestEveryScriptRunsOnce fails on a script in neither or in both. A new
// script goes to the half that is cheaper now (docs/testing.md).
var Packages = map[string][]string{
	"cmd/brief": {
		"batchfiles", "briefing", "calibration", "config_values", "editor", "failures",
		"firstrun", "habits", "hostile_import", "hostile_keyhost", "hostile_messages",
		"hostile_state", "hostile_text", "hostile_tidy", "hostile_window",
		"keep_briefing", "long", "memory", "memory_batch", "oversized", "pipes",
		"publish", "readme", "servers", "still_danish", "stopped", "transient",
		"unusable", "window",
	},
	"cmd/brief/e2e2": {
		"awkward", "batchrun", "budget", "cache", "cachekeys", "check", "cli", "dryrun",
		"flags", "glossary", "hints", "honest_server", "hostile_batch", "hostile_echo",
		"hostile_files", "hostile_waits", "interrupt", "languages", "linear", "lock",
		"model", "network", "outdir_confined", "progress", "review", "run", "secrets",
		"weekly", "writes",
	},
}

// repo is the repository root: the folder above the test's own with go.mod.
// Asked for when needed: this package's init also runs in each `brief` a
// script starts, in the script's own folder.
var repo = sync.OnceValue(findRepo)

func findRepo() string {
	dir, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			panic("script: no go.mod above the test's folder")
		}
		dir = up
	}
}

// Params runs the scripts of test package pkg (a key of Packages): the real
// binary, real files, and only the model endpoint faked. Each script gets
// its own fake server, reachable as $OPENAI_BASE_URL.
func Params(pkg string) testscript.Params {
	names, ok := Packages[pkg]
	if !ok {
		panic("script: no scripts for package " + pkg)
	}
	files := make([]string, len(names))
	for i, name := range names {
		files[i] = filepath.Join(repo(), "testdata", "script", name+".txtar")
	}
	return testscript.Params{
		Files:               files,
		RequireExplicitExec: false,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") == "1",
		Setup:               setup,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fake":        cmdFake,
			"server":      cmdServer,
			"batchengine": cmdBatchEngine,
			"batchapi":    cmdBatchAPI,
			"links":       cmdLinks,
			"notemp":      cmdNoTemp,
			"lockdir":     cmdLockDir,
			"readme":      cmdReadme,
			"shape":       cmdShape,
			"waitfor":     cmdWaitFor,
		},
	}
}

func setup(env *testscript.Env) error {
	f := &fake{}
	f.start(env.Setenv, llmtest.Config{})
	env.Values[fakeKey{}] = f
	env.Defer(f.close)
	more := &servers{m: map[string]*llmtest.Server{}}
	env.Values[serversKey{}] = more
	env.Defer(more.closeAll)
	work := env.WorkDir
	env.Setenv("BRIEF_MODEL", llmtest.Model)
	env.Setenv("HOME", work)
	env.Setenv("XDG_CACHE_HOME", filepath.Join(work, ".cache"))
	env.Setenv("XDG_CONFIG_HOME", filepath.Join(work, ".config"))
	env.Setenv("OPENAI_API_KEY", "")
	env.Setenv("TESTDATA", filepath.Join(repo(), "testdata"))
	env.Setenv("REPO", repo())
	return nil
}
