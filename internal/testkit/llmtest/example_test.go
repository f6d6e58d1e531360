package llmtest_test

import (
	"context"
	"fmt"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
)

func Example() {
	srv := llmtest.NewServer(llmtest.Config{}) // in a test: llmtest.New(t)
	defer srv.Close()
	srv.Enqueue(llmtest.RateLimited("0")) // the first request is refused

	c, _ := llm.New(llm.Config{BaseURL: srv.URL(), Model: llmtest.Model, Retries: llm.DefaultRetries})
	resp, err := c.Complete(context.Background(), llm.Request{
		System: "You are a professional news translator.",
		User:   "<article>\nDet regner i Aarhus.\n\nDMI venter 12 millimeter.\n</article>",
	})
	fmt.Printf("%q %v attempts=%d stage=%s\n", resp.Text, err, resp.Attempts, srv.Requests()[1].Stage)
	// The default translation keeps names, numbers and paragraphs and
	// makes the rest English words, so brief's QA accepts it.
	// Output: "The report said Aarhus.\n\nDMI said 12 it." <nil> attempts=2 stage=translate
}
