package cli

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/config"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/safetext"
	"github.com/brief-news/brief/internal/tm"
	"github.com/brief-news/brief/internal/wiring"
)

func newMemoryCmd(io *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "memory",
		Short: "Exchange the translation memory with translators' tools (TMX 1.4b)",
		Long: `brief remembers every paragraph of a translation that passed its checks, so a
paragraph that comes back is not sent again and reads the same. The memory is
kept per model, --temperature, --cache-tag, --prompts, --glossary and languages,
the way the cache keys translations: give export and import those of brief run.

brief memory export writes it as TMX 1.4b, the format memoQ, Trados, OmegaT
and translate-toolkit read; brief memory import reads such a file into it.`,
	}
	export := memoryCmd(&cobra.Command{
		Use:     "export -o memory.tmx",
		Short:   "Write the translation memory as a TMX 1.4b file",
		Example: `  brief memory export -o memory.tmx --model qwen2.5:7b`,
		Args:    cobra.NoArgs,
	}, func(mem *tm.Memory, o *config.Options, args []string) error {
		var buf bytes.Buffer
		n, err := mem.Export(&buf)
		if err == nil {
			err = atomicfile.Write(o.Out, buf.Bytes(), 0o644)
		}
		if err != nil {
			return fmt.Errorf("memory export: %w", err)
		}
		fmt.Fprintf(io.Out, "wrote %d paragraphs to %s\n", n, safetext.Name(o.Out))
		return nil
	}, "out")
	fileOut(export, "the TMX file to write", "memory.tmx")
	imp := memoryCmd(&cobra.Command{
		Use:   "import FILE.tmx",
		Short: "Add the pairs of a TMX file to the translation memory",
		Long: `Reads a TMX file (1.4b; 1.1 language attributes too) and remembers every unit
with a segment in the source and the target language, for runs with the same
flags. A paragraph brief already remembers keeps its translation.`,
		Example: `  brief memory import newsroom.tmx --model qwen2.5:7b`,
		Args:    cobra.MatchAll(needs("the TMX file to import, e.g. brief memory import newsroom.tmx"), cobra.MaximumNArgs(1)),
	}, func(mem *tm.Memory, o *config.Options, args []string) error {
		f, _, err := atomicfile.OpenRegular(args[0])
		if err != nil {
			return fmt.Errorf("memory import: %w", err)
		}
		defer f.Close()
		read, stored, err := mem.Import(f)
		if err != nil {
			return fmt.Errorf("memory import %s: %w (nothing after that point was imported)", safetext.Name(args[0]), err)
		}
		fmt.Fprintf(io.Out, "read %d pairs from %s, %d new to the memory\n", read, safetext.Name(args[0]), stored)
		return nil
	})
	return group(cmd, export, imp)
}

// memoryCmd gives cmd the flags the memory is keyed by (and more) and
// runs do on the memory brief run with those flags would use.
func memoryCmd(cmd *cobra.Command, do func(*tm.Memory, *config.Options, []string) error, more ...string) *cobra.Command {
	return configured(cmd, func(cmd *cobra.Command, o *config.Options, args []string) error {
		if o.NoCache {
			return errors.New("--no-cache: there is no memory without the cache")
		}
		run, err := wiring.New(o.Settings(time.Now()))
		if err != nil {
			return err
		}
		if err := run.OpenCache(); err != nil {
			return err
		}
		return do(run.Config.Memory(), o, args)
	}, config.Identity, more)
}
