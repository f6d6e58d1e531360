package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/brief-news/brief/internal/cli"
	"github.com/brief-news/brief/internal/testkit/script"
)

// TestMain lets testscript run the real brief as a command: scripts call
// `brief ...` and get this binary's main in a separate process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"brief": func() { os.Exit(cli.Main()) },
	})
}

// TestScripts runs this package's half of testdata/script/*.txtar end to end
// (script.Packages; cmd/brief/e2e2 runs the other half).
func TestScripts(t *testing.T) {
	testscript.Run(t, script.Params("cmd/brief"))
}
