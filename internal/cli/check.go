package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
)

func newCheckCmd(io *iostreams.IOStreams) *cobra.Command {
	o := &endpointOptions{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the endpoint and model: reachable, model present, streaming, JSON mode, latency",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := applyLayers(cmd.Flags()); err != nil {
				return exitWith(ExitFatal, err)
			}
			if err := o.validate(); err != nil {
				return exitWith(ExitFatal, err)
			}
			client, err := newClient(o, func(f string, a ...any) { fmt.Fprintf(io.ErrOut, f+"\n", a...) })
			if err != nil {
				return exitWith(ExitFatal, err)
			}
			rep := client.Check(cmd.Context())
			printCheck(io, rep)
			if !rep.OK() {
				return exitWith(ExitFatal, fmt.Errorf("the endpoint is not ready: see the problems above"))
			}
			return nil
		},
	}
	o.register(cmd.Flags())
	return cmd
}

func printCheck(io *iostreams.IOStreams, r llm.CheckReport) {
	mark := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "NO"
	}
	fmt.Fprintf(io.Out, "endpoint   %s  %s\n", r.Endpoint, mark(r.Reachable))
	fmt.Fprintf(io.Out, "model      %s  %s\n", r.Model, mark(r.ModelFound))
	fmt.Fprintf(io.Out, "streaming  %s\n", mark(r.Streaming))
	fmt.Fprintf(io.Out, "json mode  %s\n", mark(r.JSONMode))
	if r.Latency > 0 {
		fmt.Fprintf(io.Out, "latency    %s\n", r.Latency.Round(time.Millisecond))
	}
	for _, p := range r.Problems {
		fmt.Fprintf(io.Out, "problem:   %s\n", p)
	}
}
