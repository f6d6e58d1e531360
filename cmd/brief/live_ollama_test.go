package main

// Live tests of the real binary against a real server (issue 16), skipped
// unless BRIEF_TEST_BASE_URL and BRIEF_TEST_MODEL name one; .ci/ollama.sh
// runs them against a real Ollama serving internal/testkit/tinymodel, and names the
// server's log in BRIEF_TEST_OLLAMA_LOG. That model answers in garbage, so
// these tests assert what brief must do with garbage (flag it, fail the
// summaries with a reason, never report a clean ok) and with the server's
// token counts (no prompt cut without brief saying so), never the prose.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

type liveServer struct {
	base, model string
	log         string // Ollama's log, "" when not given
}

func liveTarget(t *testing.T) liveServer {
	t.Helper()
	s := liveServer{base: os.Getenv("BRIEF_TEST_BASE_URL"), model: os.Getenv("BRIEF_TEST_MODEL"), log: os.Getenv("BRIEF_TEST_OLLAMA_LOG")}
	if s.base == "" || s.model == "" {
		t.Skip("set BRIEF_TEST_BASE_URL and BRIEF_TEST_MODEL to run the tests against a real server")
	}
	return s
}

var (
	liveBinOnce sync.Once
	liveBin     string
	liveBinErr  error
)

// briefBinary builds the real brief once, as users run it.
func briefBinary(t *testing.T) string {
	t.Helper()
	liveBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "brief-live-bin")
		if err != nil {
			liveBinErr = err
			return
		}
		liveBin = filepath.Join(dir, "brief")
		out, err := exec.Command("go", "build", "-o", liveBin, ".").CombinedOutput()
		if err != nil {
			liveBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if liveBinErr != nil {
		t.Fatal(liveBinErr)
	}
	return liveBin
}

// briefCmd is `brief ARGS...` against the live server with a home, cache
// and config of the test's own.
func briefCmd(t *testing.T, s liveServer, home string, args ...string) *exec.Cmd {
	cmd := exec.Command(briefBinary(t), args...)
	cmd.Env = append(os.Environ(),
		"HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"OPENAI_BASE_URL="+s.base, "BRIEF_MODEL="+s.model, "OPENAI_API_KEY=", "BRIEF_CONFIG=")
	return cmd
}

// danishSentences are the long article's material (invented news).
var danishSentences = []string{
	"Byrådet i %s vedtog torsdag aften et budget på %d millioner kroner til skoler, veje og ældrepleje.",
	"Ifølge borgmesteren skal %d nye lærere ansættes i løbet af det kommende år, så klasserne bliver mindre.",
	"Oppositionen kritiserede, at der kun er afsat %d millioner kroner til vedligeholdelse af kommunens bygninger.",
	"Mange borgere var mødt op på rådhuset i %s for at følge debatten, som varede i mere end %d timer.",
	"- Vi har gjort, hvad vi kunne, for at få pengene til at slå til, sagde borgmesteren efter mødet.",
	"Ældresagen i %s glæder sig over, at %d ekstra hjemmehjælpere bliver ansat fra næste år.",
	"Kommunen forventer, at skatten forbliver uændret, selv om udgifterne stiger med %d procent.",
	"Lokalavisen har talt med %d forældre, som er bekymrede for skolevejen ved den travle hovedgade.",
}

var danishTowns = []string{"Århus", "Odense", "Aalborg", "Esbjerg", "Næstved", "Køge", "Hillerød", "Sønderborg"}

// longArticle is a wire-format article of at least chars characters.
func longArticle(chars int) string {
	var b strings.Builder
	b.WriteString(" date 2026-11 Byrådet vedtog et budget efter en lang debat om skoler og ældrepleje.\n\n")
	for i := 0; b.Len() < chars; i++ {
		var p []string
		for k := 0; k < 3+i%3; k++ {
			n := i*7 + k
			s := danishSentences[n%len(danishSentences)]
			switch strings.Count(s, "%") {
			case 1:
				if strings.Contains(s, "%s") {
					s = fmt.Sprintf(s, danishTowns[n%len(danishTowns)])
				} else {
					s = fmt.Sprintf(s, 10+n)
				}
			case 2:
				s = fmt.Sprintf(s, danishTowns[n%len(danishTowns)], 10+n)
			}
			p = append(p, s)
		}
		b.WriteString(strings.Join(p, " ") + "\n\n")
	}
	b.WriteString("/ritzau/\n")
	return b.String()
}

type liveManifest struct {
	Entries []struct {
		Source   string   `json:"source"`
		Status   string   `json:"status"`
		Error    string   `json:"error"`
		Warnings []string `json:"warnings"`
		Findings []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"findings"`
	} `json:"entries"`
}

var cutCountRe = regexp.MustCompile(`\((\d+) prompts of this article were cut`)

// owned is how many prompts brief says the server cut: each prompt-cut
// finding (one per article, counting its parts) and each failure naming a
// cut.
func (m liveManifest) owned() (n int, where []string) {
	count := func(msg string) int {
		if c := cutCountRe.FindStringSubmatch(msg); c != nil {
			k, _ := strconv.Atoi(c[1])
			return k
		}
		return 1
	}
	for _, e := range m.Entries {
		for _, f := range e.Findings {
			if f.Code == "prompt-cut" {
				n += count(f.Message)
				where = append(where, filepath.Base(e.Source)+": "+f.Message)
			}
		}
		if e.Status == "failed" && (strings.Contains(e.Error, "cut the prompt") || cutCountRe.MatchString(e.Error)) {
			n += count(e.Error)
			where = append(where, filepath.Base(e.Source)+": failed: "+e.Error)
		}
	}
	return n, where
}

// ollamaLog is the part of Ollama's log written since offset.
func ollamaLog(t *testing.T, path string, offset int64) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, 0); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

func logSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// cutsInLog returns Ollama's "truncating input prompt" lines and, for each,
// how many chat answers the server had finished before it.
func cutsInLog(lines []string) (cuts []string, answeredBefore []int) {
	answered := 0
	for _, l := range lines {
		switch {
		case strings.Contains(l, "truncating input prompt"):
			cuts = append(cuts, l)
			answeredBefore = append(answeredBefore, answered)
		case strings.Contains(l, "[GIN]") && strings.Contains(l, "/v1/chat/completions"):
			answered++
		}
	}
	return cuts, answeredBefore
}

// The test corpus plus a 40,000-character article, with default flags,
// against the real server: garbage is flagged and never a clean ok, the
// summaries of garbage fail with a reason, every prompt Ollama cut is one
// brief says it redid smaller or failed for, and after the first few
// answers (the requests in flight before any answer calibrated the
// tokenizer) nothing is cut at all.
func TestLiveCorpusAndLongArticle(t *testing.T) {
	s := liveTarget(t)
	work := t.TempDir()
	in := filepath.Join(work, "in")
	if err := os.CopyFS(in, os.DirFS(filepath.Join("..", "..", "testdata", "articles"))); err != nil {
		t.Fatal(err)
	}
	long := longArticle(40000)
	if err := os.WriteFile(filepath.Join(in, "byraad-budget.txt"), []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	var offset int64
	if s.log != "" {
		offset = logSize(s.log)
	}
	out := filepath.Join(work, "out")
	cmd := briefCmd(t, s, work, "run", in, "-o", out)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("brief run took %s:\n%s", time.Since(start).Round(time.Second), stderr.String())
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("brief run: %v; want exit 2 (articles of garbage failed, the briefing written)", err)
	}
	var m liveManifest
	data, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	longSeen := false
	for _, e := range m.Entries {
		name := filepath.Base(e.Source)
		longSeen = longSeen || name == "byraad-budget.txt"
		switch e.Status {
		case "ok", "cached":
			t.Errorf("%s: %s with a summary of garbage; the summary must fail with a reason (warnings %q)", name, e.Status, e.Warnings)
		case "failed":
			if strings.TrimSpace(e.Error) == "" {
				t.Errorf("%s: failed without a reason", name)
			}
		}
	}
	if !longSeen {
		t.Error("the long article is not in the manifest")
	}
	if s.log == "" {
		t.Log("BRIEF_TEST_OLLAMA_LOG not set: the server's cuts are not checked")
		return
	}
	cuts, before := cutsInLog(ollamaLog(t, s.log, offset))
	owned, where := m.owned()
	t.Logf("Ollama cut %d prompts (after %v answers); brief names %d:\n%s", len(cuts), before, owned, strings.Join(where, "\n"))
	if len(cuts) != owned {
		t.Errorf("Ollama cut %d prompts, brief says %d were cut: %s", len(cuts), owned, strings.Join(cuts, "\n"))
	}
	// -j 4 articles start at once, each with a part planned before any
	// answer could measure the tokenizer; none after that may be cut.
	const firstFew = 6
	for i, n := range before {
		if n >= firstFew {
			t.Errorf("a prompt was cut after %d answers (calibrated from the first): %s", n, cuts[i])
		}
	}
}

// Ctrl-C during a real generation: brief stops at once, exits 130, and
// what finished is written (the manifest marks the rest pending).
func TestLiveInterruptDuringGeneration(t *testing.T) {
	s := liveTarget(t)
	work := t.TempDir()
	in := filepath.Join(work, "in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "byraad-budget.txt"), []byte(longArticle(20000)), 0o644); err != nil {
		t.Fatal(err)
	}
	var offset int64
	if s.log != "" {
		offset = logSize(s.log)
	}
	out := filepath.Join(work, "out")
	cmd := briefCmd(t, s, work, "run", in, "-o", out, "-v")
	stderr := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// -v says the window once the preflight and discovery are done; the
	// first part's request goes out right after, and a prompt of a few
	// thousand tokens keeps the server busy for seconds: Ctrl-C then
	// lands in a real generation. The server's log confirms it.
	deadline := time.Now().Add(5 * time.Minute)
	for !strings.Contains(stderr.String(), "context window") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond)
	if s.log != "" && !busy(ollamaLog(t, s.log, offset)) {
		t.Logf("the server's log shows no chat request yet")
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("brief did not stop within 30 s of Ctrl-C:\n%s", stderr.String())
	}
	t.Logf("stopped %s after Ctrl-C:\n%s", time.Since(sent).Round(time.Millisecond), stderr.String())
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("brief run interrupted: %v; want exit 130", err)
	}
	data, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatalf("no manifest after Ctrl-C: %v", err)
	}
	var m liveManifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 1 || m.Entries[0].Status != "pending" {
		t.Errorf("manifest entries %+v; want the article pending for the next run", m.Entries)
	}
}

// busy reports whether the server's log shows brief's chat requests: one
// finished or one was cut on arrival (Ollama logs nothing when one starts).
func busy(lines []string) bool {
	for _, l := range lines {
		if strings.Contains(l, "truncating input prompt") || (strings.Contains(l, "[GIN]") && strings.Contains(l, "/v1/chat/completions")) {
			return true
		}
	}
	return false
}

// syncBuffer is a bytes.Buffer a running command writes while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
