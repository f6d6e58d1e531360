package script

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEveryScriptRunsOnce: each testdata/script/*.txtar is run by exactly one
// test package of Packages, and each package it names holds the TestMain
// and TestScripts that run them: a new script no package runs would never
// run, and one in both would run twice.
func TestEveryScriptRunsOnce(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repo(), "testdata", "script", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	runBy := map[string][]string{}
	for pkg, names := range Packages {
		for _, name := range names {
			runBy[name] = append(runBy[name], pkg)
		}
		if !runsParams(t, pkg) {
			t.Errorf("no _test.go file of %s runs script.Params(%q)", pkg, pkg)
		}
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txtar")
		switch pkgs := runBy[name]; len(pkgs) {
		case 0:
			t.Errorf("testdata/script/%s.txtar is run by no package: add %q to the cheaper half of script.Packages (docs/testing.md)", name, name)
		case 1:
		default:
			slices.Sort(pkgs)
			t.Errorf("testdata/script/%s.txtar is run by %s: keep it in one", name, strings.Join(pkgs, " and "))
		}
		delete(runBy, name)
	}
	for name := range runBy {
		t.Errorf("script.Packages names %s, but testdata/script/%s.txtar is not there", name, name)
	}
}

func runsParams(t *testing.T, pkg string) bool {
	tests, _ := filepath.Glob(filepath.Join(repo(), filepath.FromSlash(pkg), "*_test.go"))
	for _, f := range tests {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), `script.Params("`+pkg+`")`) {
			return true
		}
	}
	return false
}
