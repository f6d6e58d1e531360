package pipeline

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
)

// An article waits for another one translating a paragraph it repeats (so
// it can take it from the memory), and not for one translating other
// paragraphs.
func TestInFlightWaitsForAnArticleTranslatingASharedParagraph(t *testing.T) {
	var f inFlight
	ctx := context.Background()
	releaseFirst := f.await(ctx, []string{"Fælles baggrund.", "Kun i den første."})
	// an article with none of its paragraphs goes straight on
	f.await(ctx, []string{"Noget helt andet."})()

	got := make(chan bool)
	var released atomic.Bool
	go func() {
		f.await(ctx, []string{"Ny indledning.", "Fælles  baggrund."})()
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
	if len(f.owners) != 0 {
		t.Errorf("claims left after every article finished: %v", f.owners)
	}
}

// An interrupted run does not hang on a claim.
func TestInFlightStopsWaitingWhenTheRunEnds(t *testing.T) {
	var f inFlight
	f.await(context.Background(), []string{"Fælles baggrund."})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.await(ctx, []string{"Fælles baggrund."})()
}
