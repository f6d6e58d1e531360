package iostreams_test

// Linux only: the pseudo-terminal ioctls below are Linux's.

import (
	"fmt"
	"io"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/brief-news/brief/internal/iostreams"
)

// openPTY returns the terminal end of a new pseudo-terminal, a real
// terminal as far as System's detection can tell.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("cannot unlock a pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("cannot name a pseudo-terminal: %v", err)
	}
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("cannot open a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { slave.Close() })
	return slave
}

// system points the process's stdout and stderr at the given files
// while System runs.
func system(t *testing.T, stdout, stderr *os.File) *iostreams.IOStreams {
	t.Helper()
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = stdout, stderr
	defer func() { os.Stdout, os.Stderr = oldOut, oldErr }()
	return iostreams.System()
}

func TestSystemDetectsTerminals(t *testing.T) {
	tty := openPTY(t)
	pipeR, pipeW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pipeR.Close()
	defer pipeW.Close()

	// A person at a terminal with output piped to a file (brief run > log):
	// the bar goes to stderr, the terminal; stdout is not one.
	t.Setenv("TERM", "xterm-256color")
	s := system(t, pipeW, tty)
	if !s.IsStderrTTY() {
		t.Errorf("stdout pipe, stderr terminal: stderr not taken for a terminal")
	}
	if s.Out != io.Writer(pipeW) || s.ErrOut != io.Writer(tty) {
		t.Error("System() does not write to the process's streams")
	}

	// Cron: no terminal anywhere.
	if s := system(t, pipeW, pipeW); s.IsStderrTTY() {
		t.Errorf("a pipe taken for a terminal")
	}

	// TERM=dumb (Emacs shells, some CI) cannot draw a bar even on a terminal.
	t.Setenv("TERM", "dumb")
	if s := system(t, tty, tty); s.IsStderrTTY() {
		t.Errorf("TERM=dumb: stderr taken for a terminal that can draw a bar")
	}
}
