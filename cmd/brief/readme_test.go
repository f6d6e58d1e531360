package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdReadme writes the README's first command, as a new user types it on a
// fresh clone, into FILE as a shell line, so a script can run exactly what
// the README says (with the brief under test for `go run ./cmd/brief`, and
// without the `ollama pull` the fake endpoint does not need):
// `readme first-command FILE`.
func cmdReadme(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || args[0] != "first-command" {
		ts.Fatalf("usage: readme first-command FILE")
	}
	f, err := os.Open(filepath.Join("..", "..", "README.md"))
	ts.Check(err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, "go run ./cmd/brief run ") {
			continue
		}
		if i := strings.LastIndex(line, "&& "); i >= 0 {
			line = line[i+3:]
		}
		line = strings.Replace(line, "go run ./cmd/brief", "brief", 1)
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(line+"\n"), 0o644))
		return
	}
	ts.Fatalf("README.md has no `go run ./cmd/brief run ...` command")
}
