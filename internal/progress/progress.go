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
	if tty && !quiet {
		return &barReporter{w: w, bar: newBar(w, total, "translating", progressbar.OptionSetPredictTime(true))}
	}
	return &lineReporter{w: w, total: total, quiet: quiet}
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

type barReporter struct {
	mu     sync.Mutex
	w      io.Writer
	bar    *progressbar.ProgressBar
	failed int
}

func (b *barReporter) Done(status, source, detail string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if shownWhenQuiet(status) {
		b.bar.Clear()
		fmt.Fprintf(b.w, "%s %s: %s\n", status, safetext.Name(source), safetext.Clip(detail, maxDetail))
	}
	if status == "failed" {
		b.failed++
		b.bar.Describe(fmt.Sprintf("translating, %d failed", b.failed))
	}
	b.bar.Add(1)
}

func (b *barReporter) Logf(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bar.Clear()
	fmt.Fprintln(b.w, safetext.Line(fmt.Sprintf(format, args...)))
	b.bar.RenderBlank()
}

func (b *barReporter) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bar.Finish()
}

type lineReporter struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	n     int
	quiet bool
}

func (l *lineReporter) Done(status, source, detail string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	if l.quiet && !shownWhenQuiet(status) {
		return
	}
	line := fmt.Sprintf("[%d/%d] %s %s", l.n, l.total, status, safetext.Name(source))
	if detail != "" {
		line += ": " + safetext.Clip(detail, maxDetail)
	}
	fmt.Fprintln(l.w, line)
}

func (l *lineReporter) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.w, safetext.Line(fmt.Sprintf(format, args...)))
}

func (l *lineReporter) Finish() {}
