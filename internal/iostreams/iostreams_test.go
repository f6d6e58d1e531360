package iostreams_test

import (
	"io"
	"testing"

	"github.com/brief-news/brief/internal/iostreams"
)

func TestTestStreamsAreBuffersAndNotTerminals(t *testing.T) {
	s, out, errOut := iostreams.Test()
	// Not terminals, so commands under test print plain lines, not a bar.
	if s.IsStdoutTTY() || s.IsStderrTTY() {
		t.Fatalf("Test() streams claim to be terminals: stdout %v, stderr %v", s.IsStdoutTTY(), s.IsStderrTTY())
	}
	io.WriteString(s.Out, "briefing.md\n")
	io.WriteString(s.ErrOut, "[1/1] ok a.txt\n")
	if out.String() != "briefing.md\n" || errOut.String() != "[1/1] ok a.txt\n" {
		t.Errorf("out = %q, errOut = %q: the returned buffers do not capture the streams", out, errOut)
	}
	if n, err := s.In.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("stdin read = %d, %v; want an empty input (EOF)", n, err)
	}
}

func TestSetStderrTTYOverridesDetection(t *testing.T) {
	s, _, _ := iostreams.Test()
	s.SetStderrTTY(true)
	if !s.IsStderrTTY() {
		t.Fatal("SetStderrTTY(true) did not take effect")
	}
	if s.IsStdoutTTY() {
		t.Error("SetStderrTTY changed stdout's terminal state")
	}
	s.SetStderrTTY(false)
	if s.IsStderrTTY() {
		t.Fatal("SetStderrTTY(false) did not take effect")
	}
}
