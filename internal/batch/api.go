package batch

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/requestcache"
	"github.com/brief-news/brief/internal/safetext"
)

// API is the Batch API of an endpoint (OpenAI, Azure OpenAI, LiteLLM's
// proxy), through go-openai's file and batch calls.
type API struct {
	oc            *openai.Client
	endpoint      string
	secrets       []string // what its answers may echo (llm.Secrets)
	timeout, idle time.Duration
}

// NewAPI is the Batch API at baseURL with key. Each call, a results file's
// download included, ends after timeout, or once the server has sent
// nothing for idle (0: no limit), so a server that trickles or stalls
// cannot keep brief (and its lock on the output folder) waiting.
func NewAPI(baseURL, key string, hc *http.Client, timeout, idle time.Duration) *API {
	cfg := openai.DefaultConfig(key)
	cfg.BaseURL = baseURL
	c := http.Client{}
	if hc != nil {
		c = *hc
	}
	c.Timeout = timeout
	if idle > 0 {
		c.Transport = idleTransport{next: cmp.Or(c.Transport, http.DefaultTransport), idle: idle}
	}
	cfg.HTTPClient = &c
	return &API{oc: openai.NewClientWithConfig(cfg), endpoint: llm.RedactURL(baseURL), secrets: llm.Secrets(baseURL, key), timeout: timeout, idle: idle}
}

// Upload sends one batch input file (Files makes them) and returns its id.
func (a *API) Upload(ctx context.Context, stage string, data []byte) (string, error) {
	f, err := a.oc.CreateFileBytes(ctx, openai.FileBytesRequest{Name: "brief-" + stage + ".jsonl", Bytes: data, Purpose: openai.PurposeBatch})
	if err != nil {
		return "", a.fail("uploading the request file", err)
	}
	return f.ID, a.checkID("file", f.ID)
}

// idShape is what the Batch APIs' file and batch ids look like
// ("file-abc123", "batch_abc123"): an id goes into request paths and onto
// the terminal, so anything else a server answers is refused.
var idShape = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$`)

// checkID refuses an id a server answered that is not shaped like one.
func (a *API) checkID(what, id string) error {
	if idShape.MatchString(id) {
		return nil
	}
	return fmt.Errorf("Batch API at %s answered a %s id that is no id (%s): brief will not use it; check --base-url", a.endpoint, what, clip(strconv.Quote(id)))
}

// checkBatch refuses a batch whose ids are not shaped like ids.
func (a *API) checkBatch(b openai.Batch) error {
	for _, id := range []*string{&b.ID, b.OutputFileID, b.ErrorFileID} {
		if id != nil && *id != "" {
			if err := a.checkID("batch or file", *id); err != nil {
				return err
			}
		}
	}
	return nil
}

// Create starts the batch of an uploaded input file, unless one was
// already created from it (a run killed between creating it and
// recording its id): then that one is returned, so nothing is billed twice.
func (a *API) Create(ctx context.Context, stage, inputFileID string) (openai.Batch, error) {
	if b, ok, err := a.findByInput(ctx, inputFileID); err != nil || ok {
		if err == nil {
			err = a.checkBatch(b)
		}
		return b, err
	}
	b, err := a.oc.CreateBatch(ctx, openai.CreateBatchRequest{
		InputFileID: inputFileID, Endpoint: openai.BatchEndpointChatCompletions, CompletionWindow: "24h",
		Metadata: map[string]any{"created_by": "brief", "stage": stage},
	})
	if err != nil {
		return openai.Batch{}, a.fail("creating the batch", err)
	}
	return b.Batch, a.checkBatch(b.Batch)
}

// findByInput looks through the recent batches for one made from the file.
func (a *API) findByInput(ctx context.Context, inputFileID string) (openai.Batch, bool, error) {
	limit := 100
	var after *string
	for page := 0; page < 10; page++ {
		list, err := a.oc.ListBatch(ctx, after, &limit)
		if err != nil {
			return openai.Batch{}, false, a.fail("listing batches", err)
		}
		for _, b := range list.Data {
			if b.InputFileID == inputFileID {
				return b, true, nil
			}
		}
		if !list.HasMore || list.LastID == "" {
			break
		}
		last := list.LastID
		after = &last
	}
	return openai.Batch{}, false, nil
}

// Retrieve is a batch's current state.
func (a *API) Retrieve(ctx context.Context, id string) (openai.Batch, error) {
	b, err := a.oc.RetrieveBatch(ctx, id)
	if err != nil {
		return openai.Batch{}, a.fail("checking batch "+id, err)
	}
	return b.Batch, a.checkBatch(b.Batch)
}

// ErrStillRunning is what a run that did not wait (--no-wait) ends with
// while a batch it submitted is not finished: run again later.
var ErrStillRunning = errors.New("still running")

// Fetched counts what Fetch did with a batch's result lines.
type Fetched struct {
	Stored, Failed int
	// Ignored lines answered a request the batch did not hold: a server
	// that can work out another model's request keys must not plant its
	// answers in the cache.
	Ignored int
}

// Fetch reads a finished batch's output file into the cache and its error
// lines into fail, keeping only lines whose key asked says the run asked
// for. The lines of an expired or cancelled batch that are in neither
// file were not done: the next batch (or a plain request) does them.
func (a *API) Fetch(ctx context.Context, b openai.Batch, c *cache.Cache, asked func(key string) bool, fail func(key string, err error)) (Fetched, error) {
	var n Fetched
	for _, id := range []*string{b.OutputFileID, b.ErrorFileID} {
		if id == nil || *id == "" {
			continue
		}
		raw, err := a.oc.GetFileContent(ctx, *id)
		if err != nil {
			return n, a.fail("downloading the results of batch "+b.ID, err)
		}
		err = ReadResults(raw, "batch "+b.ID+" file "+*id, func(r Result) error {
			// An endless result file would keep brief reading (and, with
			// keys it asked for, writing) forever: a batch holds at most
			// MaxRequests requests, so no more lines belong to it.
			if n.Stored+n.Failed+n.Ignored >= MaxRequests {
				return fmt.Errorf("Batch API at %s: the results of batch %s have more lines than a batch holds (%d): brief stopped reading them; check --base-url", a.endpoint, b.ID, MaxRequests)
			}
			if !asked(r.Key) {
				n.Ignored++
				return nil
			}
			if r.Err != nil {
				n.Failed++
				// The error file is the server's text: it may echo the key.
				fail(r.Key, &llm.Error{Class: llm.ErrArticle, Msg: safetext.Redact(r.Err.Error(), a.secrets...)})
				return nil
			}
			n.Stored++
			return requestcache.Store(c, r.Key, r.Answer)
		})
		raw.Close()
		switch {
		case errors.Is(err, errIdle) || timedOut(err):
			return n, a.fail("downloading the results of batch "+b.ID, err)
		case err != nil:
			return n, err
		}
	}
	return n, nil
}

// noBatchAPI is what to do when an endpoint does not serve the Batch API.
const noBatchAPI = " (the endpoint may not serve the Batch API: OpenAI, Azure OpenAI and LiteLLM do; for vLLM or Ollama use brief batch export and an offline engine such as vllm run-batch, or run without --batch)"

func (a *API) fail(what string, err error) error {
	var apiErr *openai.APIError
	msg := fmt.Sprintf("Batch API at %s: %s failed", a.endpoint, what)
	if errors.Is(err, errIdle) {
		msg += fmt.Sprintf(": the server sent nothing for %s (--idle-timeout)", a.idle)
	} else if timedOut(err) {
		msg += fmt.Sprintf(": no complete answer within %s (--timeout); a results file may need a longer one", a.timeout)
	} else if r := llm.RefusedRedirect(err); r != "" {
		msg += ": " + r + " (a redirect to another server would carry the API key there): check --base-url"
	} else if errors.As(err, &apiErr) {
		msg += fmt.Sprintf(": HTTP %d: %s", apiErr.HTTPStatusCode, apiErr.Message)
		if apiErr.HTTPStatusCode == http.StatusNotFound || apiErr.HTTPStatusCode == http.StatusMethodNotAllowed {
			msg += noBatchAPI
		}
	} else {
		msg += noBatchAPI
	}
	return &llm.Error{Class: llm.ErrFatal, Msg: safetext.Redact(msg, a.secrets...), Err: err}
}

// Submitted is a batch brief created and has not collected yet, recorded in
// the output folder's state before brief waits for it, so a run that is
// killed or stopped picks it up instead of paying for it twice.
type Submitted struct {
	// ID is "" while the batch is being created from InputFileID.
	ID          string    `json:"id"`
	InputFileID string    `json:"input_file_id"`
	Stage       string    `json:"stage"`
	Requests    int       `json:"requests"`
	Submitted   time.Time `json:"submitted"`
	Endpoint    string    `json:"endpoint"`
}

// State is OUT/.brief/batches.json.
type State struct {
	Batches []Submitted `json:"batches"`
}

// maxState caps the state file: a few hundred bytes per batch.
const maxState = 16 << 20

// LoadState reads the state file; a missing one is an empty state.
func LoadState(path string) (State, error) {
	var s State
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	// A link or a FIFO in its place would have brief read a file outside
	// the folder (and send its batch ids with the key) or wait forever.
	if !fi.Mode().IsRegular() || fi.Size() > maxState {
		return s, fmt.Errorf("%s is not brief's batch state (a link, a special file or over %d MB): brief will not read it; if no batch is running, remove it", path, maxState>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("%s is not brief's batch state (%v): if no batch is running, remove it", path, err)
	}
	for _, b := range s.Batches {
		if (b.ID != "" && !idShape.MatchString(b.ID)) || (b.InputFileID != "" && !idShape.MatchString(b.InputFileID)) {
			return State{}, fmt.Errorf("%s is not brief's batch state (a batch or file id is no id): if no batch is running, remove it", path)
		}
	}
	return s, nil
}

// errIdle is a Batch API answer that stopped arriving.
var errIdle = errors.New("no byte for the idle timeout")

// idleTransport closes an answer's body when no byte of it arrived for
// idle, so a stalled download fails with errIdle instead of waiting.
type idleTransport struct {
	next http.RoundTripper
	idle time.Duration
}

func (t idleTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	b := &idleBody{ReadCloser: resp.Body, idle: t.idle}
	body := resp.Body
	b.timer = time.AfterFunc(t.idle, func() {
		b.fired.Store(true)
		body.Close()
	})
	resp.Body = b
	return resp, nil
}

type idleBody struct {
	io.ReadCloser
	idle  time.Duration
	timer *time.Timer
	fired atomic.Bool
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.fired.Load() {
		return n, errIdle
	}
	if n > 0 {
		b.timer.Reset(b.idle)
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	return b.ReadCloser.Close()
}

// timedOut reports whether err is an HTTP client's timeout.
func timedOut(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
