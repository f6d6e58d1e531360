package script

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestReadmeCommandsAreRun: every command that starts brief in README.md, and
// every sample in docs/*.md, is run by a `readme` line of a script in
// testdata/script (which compares the output), and .ci/run runs exactly the
// README's test command.
func TestReadmeCommandsAreRun(t *testing.T) {
	covered := scriptedBlocks(t)
	docs, _ := filepath.Glob(filepath.Join(repo(), "docs", "*.md"))
	for _, path := range append([]string{filepath.Join(repo(), "README.md")}, docs...) {
		doc, _ := filepath.Rel(repo(), path)
		doc = filepath.ToSlash(doc)
		blocks, err := readBlocks(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range blocks {
			if covered[doc][b.at] || doc != "README.md" && !b.isSample() {
				continue
			}
			for _, c := range b.commands() {
				if runsBrief(c) {
					t.Errorf("%s:%d shows `%s`, but no script in testdata/script runs it: add `readme run %s '...'` to one (testdata/script/readme.txtar)", doc, b.at, c, doc)
				}
			}
		}
	}
	checkCIRunsTheReadmeTests(t)
}

var readmeLine = regexp.MustCompile(`^readme (run|first-command)(?: (\S+) '(.*)')?`)

// scriptedBlocks are the blocks (page → opening line) a script's `readme
// run` or `readme first-command` runs.
func scriptedBlocks(t *testing.T) map[string]map[int]bool {
	scripts, err := filepath.Glob(filepath.Join(repo(), "testdata", "script", "*.txtar"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	covered := map[string]map[int]bool{}
	for _, s := range scripts {
		data, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		script, _, _ := strings.Cut(string(data), "\n-- ")
		for _, line := range strings.Split(script, "\n") {
			m := readmeLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			doc, text := m[2], strings.ReplaceAll(m[3], "''", "'")
			if m[1] == "first-command" {
				doc, text = "README.md", "go run ./cmd/brief run "
			}
			b, err := findBlock(doc, text)
			if err != nil {
				t.Errorf("%s: %v", filepath.Base(s), err)
				continue
			}
			if covered[doc] == nil {
				covered[doc] = map[int]bool{}
			}
			covered[doc][b.at] = true
		}
	}
	return covered
}

// checkCIRunsTheReadmeTests: the README's one test command is the one
// `go test` line of .ci/run.
func checkCIRunsTheReadmeTests(t *testing.T) {
	b, err := findBlock("README.md", "go test ")
	if err != nil {
		t.Fatal(err)
	}
	want := b.commands()
	ci, err := os.ReadFile(filepath.Join(repo(), ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(string(ci), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "go test") {
			got = append(got, strings.TrimSpace(line))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf(".ci/run runs %q, the README's test command is %q: they must be the same", got, want)
	}
}

// TestDocsLinksResolve: every relative link of README.md and docs/*.md
// points at a file that is there (the pages link each other and the code).
func TestDocsLinksResolve(t *testing.T) {
	docs, _ := filepath.Glob(filepath.Join(repo(), "docs", "*.md"))
	for _, path := range append(docs, filepath.Join(repo(), "README.md"), filepath.Join(repo(), "ARCHITECTURE.md")) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(data), -1) {
			target, anchor, _ := strings.Cut(m[1]+m[2], "#")
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file := path
			if target != "" {
				file = filepath.Join(filepath.Dir(path), filepath.FromSlash(target))
			}
			if _, err := os.Stat(file); err != nil {
				t.Errorf("%s links to %s, which is not there", path, target)
			} else if anchor != "" && !slices.Contains(anchors(t, file), anchor) {
				t.Errorf("%s links to %s#%s, a heading %s does not have", path, target, anchor, file)
			}
		}
	}
}

// anchors are the ids GitHub gives a page's headings: lower case, spaces as
// hyphens, punctuation dropped (code blocks' # lines are not headings).
func anchors(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	fenced := false
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if fenced || !strings.HasPrefix(line, "#") {
			continue
		}
		id := strings.Map(func(r rune) rune {
			switch {
			case r == ' ':
				return '-'
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				return unicode.ToLower(r)
			}
			return -1
		}, strings.TrimSpace(strings.TrimLeft(line, "#")))
		ids = append(ids, id)
	}
	return ids
}
