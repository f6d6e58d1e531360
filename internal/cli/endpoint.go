package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/config"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/safetext"
)

// setUp is what every command that only talks to the endpoint (check,
// models) does first: config layers, validation, the client. Errors are
// already exit errors.
func setUp(cmd *cobra.Command, io *iostreams.IOStreams, o *config.Options) (*llm.Client, error) {
	if err := o.Load(cmd.Flags()); err != nil {
		return nil, err
	}
	return llm.New(o.ClientConfig(stderrLogf(io, "")))
}

// stderrLogf is a Logf for the llm client and the Batch API: a line on
// stderr per message, made safe to print, since a server's words (an
// error, a batch's id and status) are in it.
func stderrLogf(io *iostreams.IOStreams, prefix string) func(format string, args ...any) {
	return func(format string, args ...any) {
		fmt.Fprintln(io.ErrOut, prefix+safetext.Line(fmt.Sprintf(format, args...)))
	}
}
