package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/config"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/safetext"
)

func newModelsCmd(io *iostreams.IOStreams) *cobra.Command {
	cmd := configured(&cobra.Command{
		Use:   "models",
		Short: "List the models the endpoint serves; the one brief would use is marked *",
		Example: `  brief models
  brief models --base-url http://gpu-box:8000/v1 --json`,
		Args: cobra.NoArgs,
	}, func(cmd *cobra.Command, o *config.Options, args []string) error {
		client, err := llm.New(o.ClientConfig(stderrLogf(io, "")))
		if err != nil {
			return err
		}
		models, err := client.Models(cmd.Context())
		if err != nil {
			return err
		}
		if o.JSON {
			return writeJSON(io, struct {
				Endpoint string   `json:"endpoint"`
				Model    string   `json:"model"`
				Models   []string `json:"models"`
			}{client.Endpoint(), o.Model, append([]string{}, models...)})
		}
		for _, m := range models {
			mark := " "
			if llm.SameModel(m, o.Model) {
				mark = "*"
			}
			fmt.Fprintf(io.Out, "%s %s\n", mark, safetext.Line(m))
		}
		return nil
	}, config.Server, []string{"model", "json"})
	usage(cmd, "base-url", "OpenAI-compatible endpoint (env OPENAI_BASE_URL)")
	usage(cmd, "model", "the model to mark * (env BRIEF_MODEL)")
	usage(cmd, "json", "print JSON for scripts")
	return cmd
}

// usage gives a flag of cmd its own words where it means something else
// than in brief run.
func usage(cmd *cobra.Command, name, text string) {
	cmd.Flags().Lookup(name).Usage = text
}

// writeJSON prints v indented, for the --json flags.
func writeJSON(io *iostreams.IOStreams, v any) error {
	enc := json.NewEncoder(io.Out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %v", err)
	}
	return nil
}
