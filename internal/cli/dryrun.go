package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/brief-news/brief/internal/article"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/pipeline"
)

// summaryTokens is the rough cost of one summary request on top of the
// translation it reads: the prompt plus a JSON answer.
const (
	summaryPromptOverhead = 250
	summaryOutputTokens   = 250
)

// dryRun parses every input and prints what a run would send, without
// calling the model or writing a file.
func dryRun(io *iostreams.IOStreams, o *runOptions, inputs []article.Input, cfg pipeline.Config) error {
	load, tr := cfg.Load, cfg.Translator
	w := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "FILE\tDATE\tPARAGRAPHS\tCACHED\tREQUESTS\tPROMPT TOKENS\tOUTPUT TOKENS\tNOTE")
	var reqs, in, out, n, cached int
	for _, j := range inputs {
		if j.Skip != "" {
			fmt.Fprintf(w, "%s\t-\t-\t-\t-\t-\t-\tskipped: %s\n", j.Path, j.Skip)
			continue
		}
		a, err := load(j)
		var skip *article.SkipError
		if errors.As(err, &skip) {
			fmt.Fprintf(w, "%s\t-\t-\t-\t-\t-\t-\tskipped: %s\n", j.Path, skip.Reason)
			continue
		}
		if err != nil {
			fmt.Fprintf(w, "%s\t-\t-\t-\t-\t-\t-\tfailed: %v\n", j.Path, err)
			continue
		}
		p, err := tr.Plan(a)
		if err != nil {
			fmt.Fprintf(w, "%s\t%s\t%d\t-\t-\t-\t-\twould fail: %v\n", j.Path, a.Date, len(a.Paragraphs), err)
			continue
		}
		// the summary reads the translation: about the translation's size in, a short JSON out
		r := p.Requests + 1
		pin := p.PromptTokens + p.CompletionTokens + summaryPromptOverhead
		pout := p.CompletionTokens + summaryOutputTokens
		date := a.Date
		if date == "" {
			date = "-"
		}
		if cfg.Cached(a) {
			fmt.Fprintf(w, "%s\t%s\t%d\tyes\t0\t0\t0\t\n", j.Path, date, len(a.Paragraphs))
			cached++
			n++
			continue
		}
		fmt.Fprintf(w, "%s\t%s\t%d\tno\t%d\t%d\t%d\t\n", j.Path, date, len(a.Paragraphs), r, pin, pout)
		reqs, in, out, n = reqs+r, in+pin, out+pout, n+1
	}
	if n > cached {
		reqs++ // the digest (cached too when no article changed)
		in += n * 80
		out += 700
	}
	w.Flush()
	fmt.Fprintf(io.Out, "\n%d articles (%d cached) · %d requests · about %d prompt + %d output tokens (estimates)", n, cached, reqs, in, out)
	if o.priceIn > 0 || o.priceOut > 0 {
		fmt.Fprintf(io.Out, " · about $%.4f", float64(in)*o.priceIn/1e6+float64(out)*o.priceOut/1e6)
	}
	fmt.Fprintln(io.Out)
	return nil
}
