package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/prompts"
)

func newPromptsCmd(io *iostreams.IOStreams) *cobra.Command {
	var dir, write string
	var force bool
	cmd := &cobra.Command{
		Use:   "prompts",
		Short: "Print the prompt templates, or write them to a folder to edit",
		Long: `Prints the prompt templates brief sends to the model. With --write DIR it
writes them as files to edit; pass --prompts DIR to brief run to use them.
A file left out of DIR falls back to the built-in template.`,
		Example: `  brief prompts | less
  brief prompts --write myprompts && $EDITOR myprompts/translate.system.tmpl
  brief run ./articles --prompts myprompts`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ps, err := prompts.Load(dir)
			if err != nil {
				return err
			}
			if write != "" {
				files, err := ps.WriteDir(write, force)
				if err != nil {
					return err
				}
				for _, f := range files {
					fmt.Fprintln(io.Out, f)
				}
				fmt.Fprintf(io.ErrOut, "edit them, then: brief run ... --prompts %s\n", write)
				return nil
			}
			for _, n := range ps.Names() {
				fmt.Fprintf(io.Out, "==> %s.tmpl (%s) <==\n%s\n", n, ps.Origin(n), ps.Text(n))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "prompts", "", "show the templates as this folder overrides them")
	cmd.Flags().StringVar(&write, "write", "", "write the templates into this folder")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite files in the --write folder")
	return cmd
}
