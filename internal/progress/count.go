package progress

import (
	"fmt"
	"io"
	"strings"

	"github.com/schollz/progressbar/v3"

	"github.com/brief-news/brief/internal/safetext"
)

// Counter shows a count that moves in jumps from elsewhere (the requests a
// batch has done): a bar on a terminal, a line per change otherwise,
// nothing when quiet.
type Counter interface {
	Set(done int)
	Finish()
}

// NewCounter returns a Counter of total things described by desc.
func NewCounter(w io.Writer, total int, tty, quiet bool, desc string) Counter {
	switch {
	case quiet:
		return quietCounter{}
	case tty:
		return &barCounter{bar: newBar(w, total, safetext.Line(desc))}
	}
	return &lineCounter{w: w, total: total, desc: desc, last: -1}
}

type quietCounter struct{}

func (quietCounter) Set(int) {}
func (quietCounter) Finish() {}

type barCounter struct{ bar *progressbar.ProgressBar }

func (b *barCounter) Set(done int) { _ = b.bar.Set(done) }
func (b *barCounter) Finish()      { _ = b.bar.Finish() }

type lineCounter struct {
	w     io.Writer
	total int
	desc  string
	last  int
}

func (l *lineCounter) Set(done int) {
	if done == l.last {
		return
	}
	l.last = done
	fmt.Fprintln(l.w, safetext.Line(fmt.Sprintf("brief: %s: %d of %s done", l.desc, done, Count(l.total, "request"))))
}

func (l *lineCounter) Finish() {}

// Count is n with its noun, singular for one: "1 request", "3 requests",
// "2 retries".
func Count(n int, noun string) string {
	switch {
	case n == 1:
	case strings.HasSuffix(noun, "y"):
		noun = noun[:len(noun)-1] + "ies"
	default:
		noun += "s"
	}
	return fmt.Sprintf("%d %s", n, noun)
}
