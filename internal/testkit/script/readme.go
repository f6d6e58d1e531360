package script

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// The README (and the docs/ pages' samples) stay true by test: a script runs
// each command they show and compares what brief prints with the sample, and
// TestReadmeCommandsAreRun fails when a command is shown that no script runs.

// docBlock is one fenced code block of a Markdown page.
type docBlock struct {
	lang  string   // what follows the opening fence: sh, yaml, cron, or none
	lines []string // the lines between the fences
	at    int      // the line number of the opening fence
}

func readBlocks(doc string) ([]docBlock, error) {
	data, err := os.ReadFile(filepath.Join(repo(), doc))
	if err != nil {
		return nil, err
	}
	var blocks []docBlock
	var cur *docBlock
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &docBlock{lang: strings.TrimPrefix(line, "```"), at: i + 1}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, line)
		}
	}
	return blocks, nil
}

// commands are the command lines a block shows: a sample's `$ ` lines, every
// line of a shell block, a crontab's command (after the five time fields).
func (b docBlock) commands() []string {
	var cmds []string
	for _, line := range b.lines {
		switch {
		case strings.HasPrefix(line, "$ "):
			cmds = append(cmds, strings.TrimPrefix(line, "$ "))
		case b.lang == "sh" && line != "" && !strings.HasPrefix(line, "#"):
			cmds = append(cmds, line)
		case b.lang == "cron" && line != "" && !strings.HasPrefix(line, "#") && !strings.Contains(strings.Fields(line)[0], "="):
			if f := strings.Fields(line); len(f) > 5 {
				cmds = append(cmds, strings.Join(f[5:], " "))
			}
		}
	}
	return cmds
}

// isSample says the block is a captured session: commands after `$ `, each
// followed by what it printed.
func (b docBlock) isSample() bool {
	return slices.ContainsFunc(b.lines, func(l string) bool { return strings.HasPrefix(l, "$ ") })
}

var envAssign = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=\S*$`)

// runsBrief says a command line starts brief somewhere: `brief ...`, a path
// ending in /brief, or `go run ./cmd/brief`, after any VAR=value, `cd X &&`
// or pipe.
func runsBrief(cmd string) bool {
	for _, part := range regexp.MustCompile(`&&|\|\|?|;`).Split(cmd, -1) {
		f := strings.Fields(part)
		for len(f) > 0 && envAssign.MatchString(f[0]) {
			f = f[1:]
		}
		if len(f) > 0 && (f[0] == "brief" || strings.HasSuffix(f[0], "/brief")) ||
			len(f) > 2 && f[0] == "go" && f[1] == "run" && f[2] == "./cmd/brief" {
			return true
		}
	}
	return false
}

// findBlock is the one block of doc with a line that is text, or else
// the one with a line containing text.
func findBlock(doc, text string) (docBlock, error) {
	blocks, err := readBlocks(doc)
	if err != nil {
		return docBlock{}, err
	}
	// A line that is text wins over lines that contain it.
	var found []docBlock
	for _, exact := range []bool{true, false} {
		for _, b := range blocks {
			if slices.ContainsFunc(b.lines, func(l string) bool { return l == text || !exact && strings.Contains(l, text) }) {
				found = append(found, b)
			}
		}
		if len(found) > 0 {
			break
		}
	}
	if len(found) != 1 {
		return docBlock{}, fmt.Errorf("%s has %d code blocks with a line containing %q, want one", doc, len(found), text)
	}
	return found[0], nil
}

// asRun is a command as the script runs it: the brief under test for
// `go run ./cmd/brief` and the installed /usr/local/bin/brief, and the
// script's folder for the system paths the README uses (/srv/...).
func asRun(ts *testscript.TestScript, cmd string) string {
	cmd = strings.ReplaceAll(cmd, "go run ./cmd/brief", "brief")
	cmd = strings.ReplaceAll(cmd, "/usr/local/bin/brief", "brief")
	return strings.ReplaceAll(cmd, " /srv/", " "+ts.MkAbs("srv")+"/")
}

// A sample's figures that differ from run to run, and the fake's loopback
// address, which stands for the README's local Ollama.
var (
	durations = regexp.MustCompile(`\b(\d+h)?(\d+m)?\d+(\.\d+)?(ns|µs|ms|s)\b`)
	loopback  = regexp.MustCompile(`127\.0\.0\.1:\d+`)
)

// progressLine is a run's line per article: [i/n] in the order the articles
// finish, which -j makes differ from run to run.
var progressLine = regexp.MustCompile(`^\[\d+/\d+\] `)

func normalize(s string) string {
	s = loopback.ReplaceAllString(s, "localhost:11434")
	s = durations.ReplaceAllString(s, "DURATION")
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && progressLine.MatchString(lines[j]) {
			lines[j] = progressLine.ReplaceAllString(lines[j], "[i/n] ")
			j++
		}
		slices.Sort(lines[i:j])
		i = max(j, i+1)
	}
	return strings.Join(lines, "\n")
}

// cmdReadme runs what a page shows:
//
//	readme first-command FILE   the README's first command, as a shell line, into FILE
//	readme run DOC TEXT         run the block of DOC (README.md, docs/x.md) with a line
//	                            containing TEXT, as a user types it
//	readme file DOC TEXT FILE   write that block (a brief.yaml) into FILE
//	readme parse                every brief command of README.md's and docs/*.md's
//	                            blocks is one brief takes (run with --help)
//
// A sample (`$ ` lines and what they print) runs in one shell, stdout and
// stderr in the order brief prints them, and must print exactly the sample
// (timings and the fake's address aside) and exit 0. A crontab's command must
// print nothing and exit 0: cron mails what it prints.
func cmdReadme(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 && (len(args) == 0 || args[0] != "parse") {
		ts.Fatalf("usage: readme first-command FILE | run DOC TEXT | file DOC TEXT FILE | parse")
	}
	if args[0] == "parse" {
		parseAll(ts)
		return
	}
	if args[0] == "first-command" {
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(firstCommand(ts)+"\n"), 0o644))
		return
	}
	if len(args) < 3 {
		ts.Fatalf("usage: readme %s DOC TEXT ...", args[0])
	}
	b, err := findBlock(args[1], args[2])
	ts.Check(err)
	switch {
	case args[0] == "file" && len(args) == 4:
		text := strings.Join(b.lines, "\n") + "\n"
		text = strings.ReplaceAll(text, " /srv/", " "+ts.MkAbs("srv")+"/")
		ts.Check(os.WriteFile(ts.MkAbs(args[3]), []byte(text), 0o644))
	case args[0] == "run" && b.isSample():
		runSample(ts, args[1], b)
	case args[0] == "run" && b.lang == "cron":
		for _, c := range b.commands() {
			ts.Check(ts.Exec("sh", "-c", "{ "+asRun(ts, c)+"\n} 2>&1"))
			if out := ts.ReadFile("stdout"); out != "" {
				ts.Fatalf("%s:%d: the crontab's command printed (cron would mail it):\n%s", args[1], b.at, out)
			}
		}
	default:
		ts.Fatalf("readme %s: %s:%d is not a sample or a crontab", strings.Join(args, " "), args[1], b.at)
	}
}

// parseAll runs each brief command of the docs' blocks with --help: cobra
// refuses an unknown command or flag before it prints help, so a page cannot
// show a flag brief no longer takes, even where the command needs a server
// no test has (OpenAI's Batch API, vLLM).
func parseAll(ts *testscript.TestScript) {
	docs, _ := filepath.Glob(filepath.Join(repo(), "docs", "*.md"))
	for i, path := range docs {
		docs[i], _ = filepath.Rel(repo(), path)
	}
	for _, doc := range append(docs, "README.md") {
		blocks, err := readBlocks(doc)
		ts.Check(err)
		for _, b := range blocks {
			for _, c := range b.commands() {
				for _, part := range strings.Split(c, "&&") {
					part, _, _ = strings.Cut(part, " #")
					if !runsBrief(part) || strings.Contains(part, "|") {
						continue
					}
					if err := ts.Exec("sh", "-c", asRun(ts, part)+" --help >/dev/null"); err != nil {
						ts.Fatalf("%s:%d: brief does not take `%s`:\n%s", doc, b.at, strings.TrimSpace(part), ts.ReadFile("stderr"))
					}
				}
			}
		}
	}
}

// runSample runs a sample's commands in one shell (so `echo $?` sees the one
// before) and compares the session with the sample.
func runSample(ts *testscript.TestScript, doc string, b docBlock) {
	// s keeps each command's status past the printf of the next line.
	sh := strings.Builder{}
	sh.WriteString("s=0\n")
	for _, line := range b.lines {
		cmd, ok := strings.CutPrefix(line, "$ ")
		if !ok {
			continue
		}
		fmt.Fprintf(&sh, "printf '%%s\\n' %s\n(exit $s); { %s\n} 2>&1; s=$?\n", shellQuote(line), asRun(ts, cmd))
	}
	sh.WriteString("exit $s\n")
	err := ts.Exec("sh", "-c", sh.String())
	got, want := normalize(ts.ReadFile("stdout")), normalize(strings.Join(b.lines, "\n")+"\n")
	if got != want && os.Getenv("UPDATE_README") == "1" {
		capture := loopback.ReplaceAllString(strings.TrimSuffix(ts.ReadFile("stdout"), "\n"), "localhost:11434")
		capture = regexp.MustCompile(` +\n`).ReplaceAllString(capture, "\n")
		ts.Check(replaceBlock(doc, b, capture))
		ts.Logf("%s:%d: the sample is now what brief printed", doc, b.at)
		return
	}
	if got != want {
		ts.Fatalf("%s:%d: brief printed something else than the sample shows (UPDATE_README=1 puts what it printed there).\nprinted:\n%s\nthe sample:\n%s", doc, b.at, ts.ReadFile("stdout"), strings.Join(b.lines, "\n"))
	}
	ts.Check(err)
}

// replaceBlock writes text in place of block b of doc: UPDATE_README=1 puts
// a real capture where a sample went stale.
func replaceBlock(doc string, b docBlock, text string) error {
	path := filepath.Join(repo(), doc)
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.Split(string(data), "\n")
	lines = slices.Replace(lines, b.at, b.at+len(b.lines), strings.Split(text, "\n")...)
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// firstCommand is the README's first command as a new user types it on a
// fresh clone (the brief under test for `go run ./cmd/brief`, and without
// the `ollama pull` the fake endpoint does not need).
func firstCommand(ts *testscript.TestScript) string {
	blocks, err := readBlocks("README.md")
	ts.Check(err)
	for _, b := range blocks {
		for _, c := range b.commands() {
			if !strings.Contains(c, "go run ./cmd/brief run ") {
				continue
			}
			if i := strings.LastIndex(c, "&& "); i >= 0 {
				c = c[i+3:]
			}
			return asRun(ts, c)
		}
	}
	ts.Fatalf("README.md has no `go run ./cmd/brief run ...` command")
	return ""
}
