package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/safetext"
)

// setUp is what every command that only talks to the endpoint (check,
// models) does first: config layers, validation, the client. Errors are
// already exit errors.
func (o *endpointOptions) setUp(cmd *cobra.Command, io *iostreams.IOStreams) (*llm.Client, error) {
	if _, err := applyLayers(cmd.Flags()); err != nil {
		return nil, exitWith(ExitFatal, err)
	}
	if err := o.validate(); err != nil {
		return nil, exitWith(ExitFatal, err)
	}
	client, err := llm.New(o.clientConfig(func(f string, a ...any) { fmt.Fprintln(io.ErrOut, safetext.Line(fmt.Sprintf(f, a...))) }))
	if err != nil {
		return nil, exitWith(ExitFatal, err)
	}
	return client, nil
}
