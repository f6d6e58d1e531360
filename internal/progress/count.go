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
type Counter struct {
	w           io.Writer
	bar         *progressbar.ProgressBar // nil: lines (or, quiet, nothing)
	total, last int
	desc        string
	quiet       bool
}

// NewCounter returns a Counter of total things described by desc.
func NewCounter(w io.Writer, total int, tty, quiet bool, desc string) *Counter {
	c := &Counter{w: w, total: total, last: -1, desc: desc, quiet: quiet}
	if tty && !quiet {
		c.bar = newBar(w, total, safetext.Line(desc))
	}
	return c
}

// Set shows that done of the total are done.
func (c *Counter) Set(done int) {
	switch {
	case c.quiet || done == c.last:
	case c.bar != nil:
		_ = c.bar.Set(done)
	default:
		fmt.Fprintln(c.w, safetext.Line(fmt.Sprintf("brief: %s: %d of %s done", c.desc, done, Count(c.total, "request"))))
	}
	c.last = done
}

// Finish ends the bar.
func (c *Counter) Finish() {
	if c.bar != nil {
		_ = c.bar.Finish()
	}
}

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
