package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/iostreams"
)

func newCacheCmd(io *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "cache", Short: "Manage the cache of finished translations and summaries"}
	o := &options{}
	var age time.Duration
	prune := &cobra.Command{
		Use:   "prune",
		Short: "Remove cache entries not used for a while",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.layer(cmd.Flags()); err != nil {
				return err
			}
			c, err := cache.Open(o.CacheDir)
			if err != nil {
				return err
			}
			n, err := c.Prune(age, time.Now())
			if err != nil {
				return fmt.Errorf("prune %s: %v", o.CacheDir, err)
			}
			fmt.Fprintf(io.Out, "removed %d entries older than %s from %s\n", n, (&durationValue{&age}).String(), o.CacheDir)
			return nil
		},
	}
	prune.Flags().StringVar(&o.CacheDir, "cache-dir", cache.DefaultDir(), "the cache folder")
	prune.Flags().Var(newDurationValue(&age, 90*24*time.Hour), "older-than", "remove entries not used for this long (e.g. 90d, 2w, 36h)")
	cmd.AddCommand(prune)
	return cmd
}
