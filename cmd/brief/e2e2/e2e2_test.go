// Package e2e2 runs the second half of brief's end-to-end scripts
// (script.Packages), so that they have their own test timeout and run beside
// cmd/brief's half. It holds tests only.
package e2e2

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/brief-news/brief/internal/cli"
	"github.com/brief-news/brief/internal/testkit/script"
)

// TestMain lets testscript run the real brief as a command: scripts call
// `brief ...` and get cli.Main in a separate process, as cmd/brief's does.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"brief": func() { os.Exit(cli.Main()) },
	})
}

// TestScripts runs this package's half of testdata/script/*.txtar end to end.
func TestScripts(t *testing.T) {
	testscript.Run(t, script.Params("cmd/brief/e2e2"))
}
