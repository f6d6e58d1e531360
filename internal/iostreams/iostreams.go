// Package iostreams owns stdin, stdout and stderr and knows whether each is
// a terminal, so the rest of brief never asks the OS directly: a progress
// bar only on a terminal, plain log lines in cron.
package iostreams

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is the process's standard streams.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stderrTTY bool
	stdinTTY  bool
}

// System returns the real streams.
func System() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		// TERM=dumb (an editor's shell, some CI) draws no bar either.
		stderrTTY: os.Getenv("TERM") != "dumb" && term.IsTerminal(int(os.Stderr.Fd())),
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
	}
}

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// IsStdinTTY reports whether stdin is a terminal: a person, not a pipe,
// is to type what brief reads there.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// SetStderrTTY overrides detection (tests, BRIEF_FORCE_TTY).
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }
