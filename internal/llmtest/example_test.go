package llmtest_test

import (
	"context"
	"fmt"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/llmtest"
)

func Example() {
	srv := llmtest.NewServer(llmtest.Config{}) // in a test: llmtest.New(t)
	defer srv.Close()
	srv.Enqueue(llmtest.RateLimited("0")) // the first request is refused

	c, _ := llm.New(llm.Config{BaseURL: srv.URL(), Model: llmtest.Model, Retries: llm.DefaultRetries})
	resp, err := c.Complete(context.Background(), llm.Request{
		System: "You are a professional news translator.",
		User:   "<article>\nHej verden.\n\nGod dag.\n</article>",
	})
	fmt.Printf("%q %v attempts=%d stage=%s\n", resp.Text, err, resp.Attempts, srv.Requests()[1].Stage)
	// Output: "EN: Hej verden.\n\nEN: God dag." <nil> attempts=2 stage=translate
}
