package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/brief-news/brief/internal/iostreams"
)

func newManCmd(io *iostreams.IOStreams) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "man",
		Short: "Write man pages for brief and each command into a folder",
		Long: `Writes brief.1, brief-run.1, ... from the same text as --help, for man(1):
  brief man --dir ~/.local/share/man/man1 && man brief-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("cannot create %s: %v", dir, err)
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true // pages that do not change with the day they were made
			header := &doc.GenManHeader{Title: "BRIEF", Section: "1", Source: "brief " + Version, Manual: "brief manual"}
			if err := doc.GenManTree(root, header, dir); err != nil {
				return fmt.Errorf("write man pages to %s: %v", dir, err)
			}
			fmt.Fprintf(io.ErrOut, "man pages written to %s\n", dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "man", "folder to write the pages into")
	return cmd
}
