package script

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/testkit/bench"
	"github.com/gofrs/flock"
	"github.com/rogpeppe/go-internal/testscript"
)

var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)|href="([^"]+)"`)

// cmdLinks checks that every relative link in a Markdown or HTML file points
// at a file that exists: `links FILE...`.
func cmdLinks(ts *testscript.TestScript, neg bool, args []string) {
	for _, name := range args {
		data := ts.ReadFile(name)
		n := 0
		for _, m := range mdLink.FindAllStringSubmatch(data, -1) {
			target := m[1] + m[2]
			if target == "" || strings.HasPrefix(target, "#") || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			n++
			path := filepath.Join(filepath.Dir(ts.MkAbs(name)), filepath.FromSlash(target))
			if _, err := os.Stat(path); err != nil {
				ts.Fatalf("%s links to %s, which does not exist", name, target)
			}
		}
		if n == 0 && !neg {
			ts.Fatalf("%s has no relative links", name)
		}
	}
}

// cmdShape writes an article of one of brief-bench's shapes (bench.Shapes):
//
//	shape FILE SHAPE BYTES
func cmdShape(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: shape FILE SHAPE BYTES")
	}
	n, err := strconv.Atoi(args[2])
	ts.Check(err)
	ts.Check(bench.WriteShape(ts.MkAbs(args[0]), args[1], n, 1))
}

// cmdWaitFor waits for an event: until FILE holds a match of REGEXP (a log
// line, an exit code a shell wrote). It fails when that has not happened
// within TIMEOUT (default one minute), a bound for a stuck run, not a
// measurement:
//
//	waitfor FILE REGEXP [TIMEOUT]
func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: waitfor FILE REGEXP [TIMEOUT]")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	timeout := time.Minute
	if len(args) == 3 {
		timeout, err = time.ParseDuration(args[2])
		ts.Check(err)
	}
	deadline := time.Now().Add(timeout)
	for {
		data, _ := os.ReadFile(ts.MkAbs(args[0]))
		if re.Match(data) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s has no match of %q after %v; it holds:\n%s", args[0], args[1], timeout, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cmdNoTemp fails when a temp file of an atomic write is left in a folder
// tree: `notemp DIR...`; `! notemp DIR...` fails when there is none.
func cmdNoTemp(ts *testscript.TestScript, neg bool, args []string) {
	var temps []string
	for _, dir := range args {
		// A folder that is not there has no temp files, and proves nothing.
		_, err := os.Stat(ts.MkAbs(dir))
		ts.Check(err)
		filepath.WalkDir(ts.MkAbs(dir), func(path string, d os.DirEntry, err error) error {
			if err == nil && isTemp(d.Name()) {
				temps = append(temps, path)
			}
			return nil
		})
	}
	switch {
	case !neg && len(temps) > 0:
		ts.Fatalf("temp files left behind: %s", strings.Join(temps, ", "))
	case neg && len(temps) == 0:
		ts.Fatalf("no temp file in %s", strings.Join(args, ", "))
	}
}

// cmdLockDir holds the output-folder lock of DIR, as a running brief would,
// until the script ends: `lockdir DIR`.
func cmdLockDir(ts *testscript.TestScript, neg bool, args []string) {
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Join(dir, ".brief"), 0o755))
	l := flock.New(filepath.Join(dir, ".brief", "lock"))
	ok, err := l.TryLock()
	ts.Check(err)
	if !ok {
		ts.Fatalf("%s is already locked", dir)
	}
	ts.Defer(func() { l.Unlock() })
}

func isTemp(name string) bool {
	_, ok := atomicfile.TempTarget(name)
	return ok
}
