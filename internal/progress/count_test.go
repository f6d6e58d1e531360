package progress

import (
	"bytes"
	"strings"
	"testing"
)

func TestCounterSaysEachChangeOnceInPlainLines(t *testing.T) {
	var b bytes.Buffer
	c := NewCounter(&b, 10, false, false, "batch b1 (translation)")
	for _, n := range []int{0, 0, 4, 4, 10} {
		c.Set(n)
	}
	c.Finish()
	want := "brief: batch b1 (translation): 0 of 10 requests done\nbrief: batch b1 (translation): 4 of 10 requests done\nbrief: batch b1 (translation): 10 of 10 requests done\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	q := NewCounter(&b, 10, false, true, "batch")
	q.Set(3)
	q.Finish()
	if b.Len() != 0 {
		t.Errorf("quiet counter printed %q", b.String())
	}
	b.Reset()
	bar := NewCounter(&b, 10, true, false, "batch b2")
	bar.Set(7)
	bar.Finish()
	if !strings.Contains(b.String(), "7/10") && !strings.Contains(b.String(), "10/10") {
		t.Errorf("bar printed %q, want the count", b.String())
	}
}
