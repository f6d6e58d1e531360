package cli

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/atomicfile"
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
kept per model, --cache-tag, prompts, glossary and languages, the way the cache
keys translations: give export and import the flags brief run gets.

brief memory export writes it as TMX 1.4b, the format memoQ, Trados, OmegaT
and translate-toolkit read; brief memory import reads such a file into it.`,
	}
	cmd.AddCommand(newMemoryExportCmd(io), newMemoryImportCmd(io))
	return cmd
}

func newMemoryExportCmd(io *iostreams.IOStreams) *cobra.Command {
	o := &options{}
	cmd := &cobra.Command{
		Use:     "export -o memory.tmx",
		Short:   "Write the translation memory as a TMX 1.4b file",
		Example: `  brief memory export -o memory.tmx --model qwen2.5:7b`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.configure(cmd); err != nil {
				return err
			}
			mem, err := openMemory(o)
			if err != nil {
				return err
			}
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
		},
	}
	memoryFlags(cmd, o, "the TMX file to write", "memory.tmx")
	return cmd
}

func newMemoryImportCmd(io *iostreams.IOStreams) *cobra.Command {
	o := &options{}
	cmd := &cobra.Command{
		Use:   "import FILE.tmx",
		Short: "Add the pairs of a TMX file to the translation memory",
		Long: `Reads a TMX file (1.4b; 1.1 language attributes too) and remembers every unit
with a segment in the source and the target language, for runs with the same
flags. A paragraph brief already remembers keeps its translation.`,
		Example: `  brief memory import newsroom.tmx --model qwen2.5:7b`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.configure(cmd); err != nil {
				return err
			}
			mem, err := openMemory(o)
			if err != nil {
				return err
			}
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
		},
	}
	o.registerRun(cmd.Flags())
	return cmd
}

// memoryFlags are brief run's flags (the memory is keyed as the run keys
// it), with -o naming the TMX file, not the briefing's folder.
func memoryFlags(cmd *cobra.Command, o *options, usage, def string) {
	o.registerRun(cmd.Flags())
	out := cmd.Flags().Lookup("out")
	out.Usage, out.DefValue = usage, def
	_ = out.Value.Set(def)
	out.Changed = true
}

// openMemory is the memory brief run with these flags would use.
func openMemory(o *options) (*tm.Memory, error) {
	if o.NoCache {
		return nil, errors.New("--no-cache: there is no memory without the cache")
	}
	run, err := wiring.New(o.settings(time.Now(), "", nil))
	if err != nil {
		return nil, err
	}
	if err := run.OpenCache(); err != nil {
		return nil, err
	}
	return run.Config.Memory(), nil
}
