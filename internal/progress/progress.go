// Package progress reports a run's progress: a bar on a terminal, one plain
// log line per finished article otherwise (cron mails stay readable, no
// escape codes).
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/brief-news/brief/internal/safetext"
)

// Reporter is told about each finished input. What it prints passes
// through safetext: a file name is quoted when it is not plain, and a
// headline or server message cannot put control sequences on the terminal
// or start a line of its own.
type Reporter interface {
	// Done is called once per input with a one-line description.
	Done(status, source, detail string)
	// Logf prints a message above the bar (or as a plain line).
	Logf(format string, args ...any)
	// Finish ends the bar.
	Finish()
}

// StatusWarn is the status of an article that was translated (fresh or
// from the cache) but has QA warnings. The manifest keeps "ok" or "cached"
// with the warnings beside them; only the progress line says "warn".
const StatusWarn = "warn"

// shownWhenQuiet: failures, skips and warnings are never "all is well", so
// -q (cron) and the bar print them.
func shownWhenQuiet(status string) bool {
	return status == "failed" || status == "skipped" || status == StatusWarn
}

// maxDetail caps a line's detail (a headline or an error), in characters:
// a runaway headline stored by an older run must not fill a screen.
const maxDetail = 2000

// New returns a bar on w when tty, plain lines otherwise; quiet prints only
// failures, skips and warnings.
func New(w io.Writer, total int, tty, quiet bool) Reporter {
	r := &reporter{w: w, total: total, quiet: quiet}
	if tty && !quiet {
		r.bar = newBar(w, total, "translating", progressbar.OptionSetPredictTime(true))
	}
	return r
}

// newBar is the bar both progress displays draw: the count and the time
// so far, no rate (cached articles finish in microseconds and made it read
// "216967 articles/s"), cleared when done.
func newBar(w io.Writer, total int, desc string, more ...progressbar.Option) *progressbar.ProgressBar {
	return progressbar.NewOptions(total, append([]progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	}, more...)...)
}

// reporter draws the bar, or with none prints a line per input.
type reporter struct {
	mu               sync.Mutex
	w                io.Writer
	bar              *progressbar.ProgressBar
	total, n, failed int
	quiet            bool
}

func (r *reporter) Done(status, source, detail string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if r.bar == nil {
		if r.quiet && !shownWhenQuiet(status) {
			return
		}
		line := fmt.Sprintf("[%d/%d] %s %s", r.n, r.total, status, safetext.Name(source))
		if detail != "" {
			line += ": " + safetext.Clip(detail, maxDetail)
		}
		fmt.Fprintln(r.w, line)
		return
	}
	if shownWhenQuiet(status) {
		r.bar.Clear()
		fmt.Fprintf(r.w, "%s %s: %s\n", status, safetext.Name(source), safetext.Clip(detail, maxDetail))
	}
	if status == "failed" {
		r.failed++
		r.bar.Describe(fmt.Sprintf("translating, %d failed", r.failed))
	}
	r.bar.Add(1)
}

func (r *reporter) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bar != nil {
		r.bar.Clear()
		defer r.bar.RenderBlank()
	}
	fmt.Fprintln(r.w, safetext.Line(fmt.Sprintf(format, args...)))
}

func (r *reporter) Finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bar != nil {
		r.bar.Finish()
	}
}
