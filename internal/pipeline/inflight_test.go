package pipeline

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
)

// An article waits for an earlier one translating a paragraph it repeats
// (so it can take it from the memory), never for a later one, and not
// for one translating other paragraphs.
func TestInFlightWaitsForEarlierArticlesSharingAParagraph(t *testing.T) {
	var f inFlight
	ctx := context.Background()
	releaseFirst := f.await(ctx, 0, []string{"Fælles baggrund.", "Kun i den første."})
	// a later article with none of its paragraphs goes straight on
	f.await(ctx, 2, []string{"Noget helt andet."})()
	// an earlier article is not held up by a later one's claim
	releaseLate := f.await(ctx, 5, []string{"Sent afsnit."})
	f.await(ctx, 3, []string{"Sent  afsnit."})()
	releaseLate()

	got := make(chan bool)
	var released atomic.Bool
	go func() {
		f.await(ctx, 1, []string{"Ny indledning.", "Fælles  baggrund."})()
		got <- released.Load()
	}()
	// Wait for the event: the second article waiting, or going on.
	for waiting := 0; waiting == 0; runtime.Gosched() {
		select {
		case <-got:
			t.Fatal("the second article went on while the first was still translating their shared paragraph")
		default:
		}
		f.mu.Lock()
		waiting = f.waiting
		f.mu.Unlock()
	}
	released.Store(true)
	releaseFirst()
	if !<-got { // waits for the event: the second article going on
		t.Fatal("the second article went on before the first released their shared paragraph")
	}
	releaseFirst() // a second release does nothing
}
