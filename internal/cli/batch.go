package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/brief-news/brief/internal/batch"
	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/config"
	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/pipeline"
	"github.com/brief-news/brief/internal/progress"
)

func newBatchCmd(io *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "batch",
		Short: "Run the model requests elsewhere: Batch API request and result files",
		Long: `brief batch export writes the model requests a run still needs, in the Batch
API's JSONL format (OpenAI's /v1/batches, vllm run-batch); brief batch import
reads the result file into the cache. Then brief run builds everything from
the cache with no model call. The loop: export (translations), run the file,
import; export (summaries), run, import; export (the digest), run, import;
brief run.`,
	}
	return group(cmd, newBatchExportCmd(io), newBatchImportCmd(io))
}

func newBatchExportCmd(io *iostreams.IOStreams) *cobra.Command {
	cmd := configured(&cobra.Command{
		Use:   "export PATH... -o requests.jsonl",
		Short: "Write the requests of the next stage (translations, summaries, the digest) to a JSONL file",
		Long: `Writes the model requests the next stage needs, as brief run would send them
(same flags), to a Batch API request file; calls nothing. Each line's custom_id
is the request's cache key. Translations come first; once their results are
imported, the summaries; then the digest.

Exit codes: 0 requests written, or nothing left to do; 1 bad flags or input.`,
		Example: `  brief batch export ./articles -o requests.jsonl
  vllm run-batch -i requests.jsonl -o results.jsonl --model Qwen/Qwen2.5-7B-Instruct
  brief batch import results.jsonl`,
		Args: needs("a PATH: the folder (or file) of articles, e.g. brief batch export ./articles -o requests.jsonl"),
	}, func(cmd *cobra.Command, o *config.Options, args []string) error {
		return runExport(cmd.Context(), io, o, args)
	}, config.Identity, config.Translation, config.Review, []string{"since", "out"})
	fileOut(cmd, "the request file to write (split into FILE, FILE.2.jsonl, ... past the Batch API's limits)", "requests.jsonl")
	return cmd
}

func runExport(ctx context.Context, io *iostreams.IOStreams, o *config.Options, paths []string) error {
	s := o.Settings(time.Now())
	inputs, _, err := s.Inputs(paths)
	if err != nil {
		return err
	}
	stage, lines, err := batch.Export(ctx, s, inputs)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return reported{err}
	}
	if len(lines) == 0 {
		fmt.Fprintln(io.ErrOut, "brief: nothing to export: the cache answers every request; brief run builds everything from it")
		return nil
	}
	files, err := batch.WriteFiles(o.Out, lines)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.ErrOut, "brief: %s → %s; run them (e.g. vllm run-batch -i FILE -o results.jsonl), then: brief batch import results.jsonl\n",
		progress.Count(len(lines), stage+" request"), strings.Join(files, ", "))
	for _, f := range files {
		fmt.Fprintln(io.Out, f)
	}
	return nil
}

func newBatchImportCmd(io *iostreams.IOStreams) *cobra.Command {
	cmd := configured(&cobra.Command{
		Use:   "import RESULTS.jsonl...",
		Short: "Read Batch API result files into the cache",
		Long: `Reads result files (OpenAI's batch output and error files, vllm run-batch's
output) into the cache, keyed by each line's custom_id. Only answers to
requests brief batch export wrote with the same cache are taken (a line
repeated counts once); any other line is refused and counted. A line with an
error or an unusable answer is reported and left out: the next export or run
asks for it again.

Exit codes: 0 every line imported; 1 a file is unreadable or not a result
file; 2 some lines had no usable answer or were refused.`,
		Args: needs("the result file: brief batch import results.jsonl"),
	}, func(cmd *cobra.Command, o *config.Options, args []string) error {
		return runImport(io, o.CacheDir, args)
	}, []string{"cache-dir"})
	usage(cmd, "cache-dir", "the cache to import into")
	return cmd
}

func runImport(io *iostreams.IOStreams, dir string, files []string) error {
	c, err := cache.Open(dir)
	if err != nil {
		return err
	}
	n, err := batch.Import(c, files)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.ErrOut, "brief: imported %s into %s\n", progress.Count(n.Stored, "answer"), dir)
	if n.Refused > 0 {
		fmt.Fprintf(io.ErrOut, "brief: refused %d answer(s) to requests brief batch export did not write with this cache (first: %s): a result file answers the requests exported with the same --cache-dir; export again and run that file\n", n.Refused, n.FirstRefused)
	}
	if n.Failed > 0 {
		fmt.Fprintf(io.ErrOut, "brief: %s had no usable answer (first: %s); the next export or run asks for them again\n", progress.Count(n.Failed, "line"), n.FirstFailure)
	}
	if n.Refused > 0 || n.Failed > 0 {
		return reported{pipeline.ErrPartial}
	}
	return nil
}
