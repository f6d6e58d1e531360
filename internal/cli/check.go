package cli

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/config"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/safetext"
)

func newCheckCmd(io *iostreams.IOStreams) *cobra.Command {
	cmd := configured(&cobra.Command{
		Use:   "check",
		Short: "Check the endpoint and model: reachable, model present, streaming, JSON mode, latency",
		Example: `  brief check
  brief check --base-url https://api.openai.com/v1 --model gpt-4o-mini --json
  brief check -q && brief run ./articles -q     # cron: run only when the model answers`,
		Args: cobra.NoArgs,
	}, func(cmd *cobra.Command, o *config.Options, args []string) error {
		s := o.Settings(time.Now())
		s.Client = o.ClientConfig(stderrLogf(io, ""))
		clients, err := s.Clients()
		if err != nil {
			return err
		}
		var reps []llm.CheckReport
		for _, c := range clients {
			reps = append(reps, checkOne(cmd, c, o))
		}
		return reportChecks(io, o, reps)
	}, config.Server, config.Requests, config.Talk, []string{"model", "temperature", "context", "json"})
	// -q, -v and --json mean something of their own here.
	usage(cmd, "context", "the window a run would be given (--context of brief run): auto, or tokens, lowered to the server's")
	usage(cmd, "quiet", "print only the problems (for scripts and cron)")
	usage(cmd, "verbose", "also list every model the endpoint serves")
	usage(cmd, "json", "print the report as JSON for scripts (exit code as without it)")
	return cmd
}

// checkOne checks one server the way a run uses it.
func checkOne(cmd *cobra.Command, client *llm.Client, o *config.Options) llm.CheckReport {
	rep := client.Check(cmd.Context())
	if rep.ModelFound {
		server := client.Discover(cmd.Context())
		window := o.ChooseWindow(server, rep.Model)
		rep.Server, rep.Context = &server, &window
	}
	return rep
}

// reportChecks prints the reports (one JSON object for one server, a list
// for several) and fails when any server is not ready.
func reportChecks(io *iostreams.IOStreams, o *config.Options, reps []llm.CheckReport) error {
	var err error
	switch {
	case o.JSON && len(reps) == 1:
		err = writeJSON(io, reps[0])
	case o.JSON:
		err = writeJSON(io, reps)
	default:
		for i, rep := range reps {
			if i > 0 && !o.Quiet {
				fmt.Fprintln(io.Out)
			}
			printCheck(io, rep, o.Quiet, o.Verbose)
		}
	}
	if err == nil && slices.ContainsFunc(reps, func(r llm.CheckReport) bool { return !r.OK() }) {
		err = fmt.Errorf("the endpoint is not ready: see the problems above")
	}
	return err
}

// printCheck prints the report, -q only its problems.
func printCheck(io *iostreams.IOStreams, r llm.CheckReport, quiet, verbose bool) {
	mark := map[bool]string{true: "ok", false: "NO"}
	if !quiet {
		fmt.Fprintf(io.Out, "endpoint   %s  %s\n", r.Endpoint, mark[r.Reachable])
		fmt.Fprintf(io.Out, "model      %s  %s\n", r.Model, mark[r.ModelFound])
		fmt.Fprintf(io.Out, "streaming  %s\n", mark[r.Streaming])
		fmt.Fprintf(io.Out, "json mode  %s\n", mark[r.JSONMode])
		if r.Latency > 0 {
			fmt.Fprintf(io.Out, "latency    %s\n", r.Latency.Round(time.Millisecond))
		}
		printServer(io, r)
		if verbose {
			for _, m := range r.Models {
				fmt.Fprintf(io.Out, "serves     %s\n", safetext.Line(m))
			}
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintf(io.Out, "problem:   %s\n", safetext.Line(p))
	}
}

// printServer prints what the server said about itself: its kind, the
// context window a run would use and where that number came from, and its
// parallel slots.
func printServer(io *iostreams.IOStreams, r llm.CheckReport) {
	if r.Server == nil || r.Context == nil {
		return
	}
	s := *r.Server
	fmt.Fprintf(io.Out, "server     %s\n", s.Name())
	fmt.Fprintf(io.Out, "context    %s\n", r.Context)
	switch {
	case s.Slots > 0:
		fmt.Fprintf(io.Out, "slots      %d (llama.cpp total_slots): -j %d keeps them all busy\n", s.Slots, s.Slots)
	case s.Kind == llm.KindOllama:
		fmt.Fprintln(io.Out, "slots      not reported: Ollama answers OLLAMA_NUM_PARALLEL requests at once (set it where Ollama starts); -j above it only queues")
	default:
		fmt.Fprintln(io.Out, "slots      not reported by the server")
	}
	if r.Context.Lowered != "" {
		fmt.Fprintf(io.Out, "note:      %s\n", r.Context.Lowered)
	}
}
