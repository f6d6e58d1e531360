package pipeline

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/tm"
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

// An interrupted run does not hang on a claim: an article waiting for
// another's paragraph stops waiting when the run ends, and claims nothing.
func TestInFlightStopsWaitingWhenTheRunEnds(t *testing.T) {
	var f inFlight
	f.await(context.Background(), []string{"Fælles baggrund."}) // never released
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan struct{})
	var release func()
	go func() {
		release = f.await(ctx, []string{"Fælles baggrund.", "Kun i den anden."})
		close(returned)
	}()
	for waiting := 0; waiting == 0; runtime.Gosched() { // the event: it waits
		f.mu.Lock()
		waiting = f.waiting
		f.mu.Unlock()
	}
	cancel()
	select {
	case <-returned:
	case <-time.After(time.Minute): // a bound on the event, far above any machine's need
		t.Fatal("the article went on waiting after the run ended")
	}
	if _, claimed := f.owners[tm.Normalize("Kun i den anden.")]; claimed {
		t.Error("an article that stopped waiting claimed its paragraphs")
	}
	release()
}

// Articles that share only a one-line paragraph do not wait for each
// other: a line many stories carry would line the run up one by one.
func TestOnlyLongParagraphsAreWaitedFor(t *testing.T) {
	var f inFlight
	ctx := context.Background()
	long := "Danmark og Sverige har i dag indgået en ny aftale om broen over Øresund."
	release := f.await(ctx, worthWaitingFor([]string{"Det oplyser politiet.", long}))
	defer release()
	done := make(chan struct{})
	go func() {
		f.await(ctx, worthWaitingFor([]string{"Ny historie om noget andet.", "Det oplyser politiet."}))()
		close(done)
	}()
	<-done // would block until release if the one-liner were claimed
	if got := worthWaitingFor([]string{"Det oplyser politiet.", long}); len(got) != 1 || got[0] != long {
		t.Errorf("worthWaitingFor = %q, want only the long paragraph", got)
	}
}
