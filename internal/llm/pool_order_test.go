package llm

import (
	"context"
	"runtime"
	"testing"
)

// A freed slot goes to the request that has waited longest, so no article
// waits behind ones that asked later (the pool's line is first in, first
// out). The test holds the only slot, lines up three requests one at a
// time (waiting until each is in line, not for a time), then frees it.
func TestPoolServesTheOldestWaiterFirst(t *testing.T) {
	p := NewPool([]Member{{Client: &Client{}, Slots: 1}}, nil)
	ctx := context.Background()
	held, err := p.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan int, 3)
	for i := 1; i <= 3; i++ {
		go func() {
			s, err := p.acquire(ctx)
			if err != nil {
				t.Error(err)
			}
			served <- i
			p.release(s)
		}()
		for p.inLine() < i {
			runtime.Gosched()
		}
	}
	p.release(held)
	for want := 1; want <= 3; want++ {
		if got := <-served; got != want {
			t.Fatalf("request %d was served before request %d, which waited longer", got, want)
		}
	}
}

func (p *Pool) inLine() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.waiting)
}
