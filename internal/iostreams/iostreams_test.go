package iostreams_test

import (
	"testing"

	"github.com/brief-news/brief/internal/iostreams"
)

func TestSetStderrTTYOverridesDetection(t *testing.T) {
	s := &iostreams.IOStreams{}
	s.SetStderrTTY(true)
	if !s.IsStderrTTY() {
		t.Fatal("SetStderrTTY(true) did not take effect")
	}
	s.SetStderrTTY(false)
	if s.IsStderrTTY() {
		t.Fatal("SetStderrTTY(false) did not take effect")
	}
}
