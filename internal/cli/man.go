package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"

	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/wiring"
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
			portableDefaults(root, wiring.Defaults().CacheDir)
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

// portableDefaults writes a default that is the generating user's own cache
// folder as where it is for whoever reads the page.
func portableDefaults(c *cobra.Command, own string) {
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.DefValue == own {
			f.DefValue = "$XDG_CACHE_HOME/brief (~/.cache/brief)"
		}
	})
	for _, sub := range c.Commands() {
		portableDefaults(sub, own)
	}
}
