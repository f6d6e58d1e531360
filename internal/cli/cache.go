package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/config"
	"github.com/brief-news/brief/internal/iostreams"
)

func newCacheCmd(io *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "cache", Short: "Manage the cache of finished translations and summaries"}
	age := 90 * 24 * time.Hour
	prune := configured(&cobra.Command{
		Use:   "prune",
		Short: "Remove cache entries not used for a while",
		Args:  cobra.NoArgs,
	}, func(cmd *cobra.Command, o *config.Options, args []string) error {
		c, err := cache.Open(o.CacheDir)
		if err != nil {
			return err
		}
		n, err := c.Prune(age, time.Now())
		if err != nil {
			return fmt.Errorf("prune %s: %v", o.CacheDir, err)
		}
		fmt.Fprintf(io.Out, "removed %d entries older than %s from %s\n", n, cmd.Flags().Lookup("older-than").Value, o.CacheDir)
		return nil
	}, []string{"cache-dir"})
	prune.Flags().Var(config.Duration(&age), "older-than", "remove entries not used for this long (e.g. 90d, 2w, 36h)")
	return group(cmd, prune)
}
