package progress

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func TestPlainLinesForCron(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, 3, false, false)
	r.Done("ok", "in/elafgift.txt", "Government cuts electricity tax")
	r.Logf("retrying %s after %d s", "in/storm.txt", 2)
	r.Done("failed", "in/storm.txt", "the model answered in Danish")
	r.Done("cached", "in/faerge.txt", "")
	r.Finish()

	want := []string{
		"[1/3] ok in/elafgift.txt: Government cuts electricity tax",
		"retrying in/storm.txt after 2 s",
		"[2/3] failed in/storm.txt: the model answered in Danish",
		"[3/3] cached in/faerge.txt",
	}
	got := lines(out.String())
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), strings.Join(want, "\n"))
	}
	if strings.Contains(out.String(), "\x1b") || strings.Contains(out.String(), "\r") {
		t.Errorf("plain output has terminal control codes: %q", out.String())
	}
}

func TestQuietPrintsOnlyProblems(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("tty=%v", tty), func(t *testing.T) {
			var out bytes.Buffer
			r := New(&out, 4, tty, true)
			r.Done("ok", "a.txt", "headline A")
			r.Done("skipped", "b.txt", "empty file")
			r.Done("cached", "c.txt", "headline C")
			r.Done("failed", "d.txt", "timeout")
			r.Finish()

			// The counter still counts every input, so [4/4] tells the
			// reader the run got through all of them.
			want := "[2/4] skipped b.txt: empty file\n[4/4] failed d.txt: timeout\n"
			if out.String() != want {
				t.Errorf("quiet output:\n%q\nwant:\n%q", out.String(), want)
			}
		})
	}
}

func TestBarGoesToTheGivenWriter(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, 2, true, false)
	r.Done("ok", "a.txt", "headline A")
	if !strings.Contains(out.String(), "translating") {
		t.Errorf("bar output lacks its description: %q", out.String())
	}
	r.Logf("endpoint %s is slow", "http://localhost:11434/v1")
	r.Done("failed", "b.txt", "timeout")
	r.Finish()
	for _, want := range []string{"endpoint http://localhost:11434/v1 is slow\n", "failed b.txt: timeout\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("bar output lacks %q: %q", want, out.String())
		}
	}
	// Successes are the bar's business, not a line each.
	if strings.Contains(out.String(), "headline A") {
		t.Errorf("bar printed a success line: %q", out.String())
	}
}

func TestConcurrentDone(t *testing.T) {
	const workers, each = 16, 25
	const total = workers * each
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("tty=%v", tty), func(t *testing.T) {
			// A plain buffer, not a locked one: the reporter must
			// serialise its own writes (go test -race checks it).
			var out bytes.Buffer
			r := New(&out, total, tty, false)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						status := "ok"
						if i == 0 {
							status = "failed"
						}
						r.Done(status, fmt.Sprintf("w%d/a%d.txt", w, i), "detail")
						if i == each/2 {
							r.Logf("worker %d halfway", w)
						}
					}
				}()
			}
			wg.Wait()

			if b := r.(*reporter); b.bar != nil {
				// Before Finish, which sets the bar to its maximum.
				if got := b.bar.State().CurrentNum; got != total {
					t.Errorf("bar count = %d, want %d", got, total)
				}
			}
			r.Finish()

			text := out.String()
			if got := strings.Count(text, "failed w"); got != workers {
				t.Errorf("%d failure lines, want %d", got, workers)
			}
			if got := strings.Count(text, "halfway\n"); got != workers {
				t.Errorf("%d log lines, want %d", got, workers)
			}
			if !tty {
				// Each counter value exactly once, the last one the total.
				for n := 1; n <= total; n++ {
					if c := strings.Count(text, fmt.Sprintf("[%d/%d] ", n, total)); c != 1 {
						t.Fatalf("[%d/%d] printed %d times", n, total, c)
					}
				}
			}
		})
	}
}

func TestNothingToDo(t *testing.T) {
	// --since can filter every input out; the reporter is still created
	// and finished, and must not fail or draw garbage.
	for _, tty := range []bool{false, true} {
		var out bytes.Buffer
		r := New(&out, 0, tty, false)
		r.Logf("nothing to do")
		r.Finish()
		if !strings.Contains(out.String(), "nothing to do\n") {
			t.Errorf("tty=%v: log line missing: %q", tty, out.String())
		}
	}
}

func TestBarShowsDoneFailedAndTimeLeftNotARate(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, 5, true, false)
	for i := 0; i < 3; i++ {
		r.Done("cached", "a.txt", "")
	}
	time.Sleep(150 * time.Millisecond) // past the bar's redraw throttle
	r.Done("failed", "b.txt", "timeout")
	got := out.String()
	// What is on screen last (after the final carriage return).
	last := strings.TrimRight(got, "\r")
	last = last[strings.LastIndex(last, "\r")+1:]
	for _, want := range []string{"/5)", "1 failed", "s]"} { // "[0s:0s]": elapsed and left
		if !strings.Contains(last, want) {
			t.Errorf("bar %q lacks %q", last, want)
		}
	}
	if strings.Contains(got, "/s") {
		t.Errorf("bar shows a rate, meaningless when cached articles finish at once: %q", got)
	}
	r.Finish()
}

// A file name, headline or server message cannot put control sequences on
// the terminal or forge a line of its own (under -q cron mails whatever is
// printed, and a forged "all good" line would hide a failure).
func TestHostileTextIsPrintedInert(t *testing.T) {
	for _, tty := range []bool{false, true} {
		var out bytes.Buffer
		r := New(&out, 2, tty, true)
		r.Done("failed", "in/x\nbrief: 0 failed, all good.txt", "server said: \x1b[2J\x1b]0;owned\x07 bad\ngateway \u202egnp.txt")
		r.Logf("retrying: %s", "\x1b[31mred\nbrief: forged")
		r.Finish()
		s := out.String()
		for _, bad := range []string{"\x1b", "\x07", "\u202e", "\nbrief: 0 failed", "\ngateway", "\nbrief: forged"} {
			if strings.Contains(s, bad) {
				t.Errorf("tty=%v: output holds %q:\n%q", tty, bad, s)
			}
		}
		if !strings.Contains(s, `"in/x\nbrief: 0 failed, all good.txt"`) {
			t.Errorf("tty=%v: the file name is not quoted: %q", tty, s)
		}
	}
	// a 5 MB headline does not go onto one line whole
	var out bytes.Buffer
	r := New(&out, 1, false, false)
	r.Done("cached", "in/a.txt", strings.Repeat("Overskrift ", 500_000))
	if out.Len() > 3*maxDetail {
		t.Errorf("a %d-byte line for one article", out.Len())
	}
}
