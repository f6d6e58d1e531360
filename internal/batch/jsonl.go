// Package batch moves brief's model requests through files in the Batch
// API's JSONL format instead of one HTTP request each: OpenAI's
// /v1/batches (and Azure's and LiteLLM's), or an offline engine such as
// `vllm run-batch`, which reads the same request file and writes the same
// result file.
//
// Every line's custom_id is its request's key in the request cache
// (requestcache.Key), and its answer is stored there, so a run answers the
// request from the cache as it answers any other.
package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/pack"
	"github.com/brief-news/brief/internal/requestcache"
)

// Line is one request line of a Batch API input file.
type Line = requestcache.Line

// Limits of the Batch API's input files (OpenAI's documented ones): a file
// past either is split.
const (
	MaxRequests = 50_000
	MaxBytes    = 200 << 20
)

// MaxResultLine bounds one line of a result file: a translation answer is
// some kilobytes; a line far larger is not one brief asked for.
const MaxResultLine = 8 << 20

// Files encodes lines as JSONL, one request a line, cut into files within
// the Batch API's limits (maxRequests lines, maxBytes bytes).
func Files(lines []Line, maxRequests, maxBytes int) ([][]byte, error) {
	encoded := make([][]byte, len(lines))
	for i, l := range lines {
		data, err := json.Marshal(l)
		if err != nil {
			return nil, err
		}
		encoded[i] = append(data, '\n')
	}
	var files [][]byte
	for _, part := range pack.Greedy(encoded, maxBytes, maxRequests, func(b []byte) int { return len(b) }) {
		files = append(files, bytes.Join(part, nil))
	}
	return files, nil
}

// Result is one line of a result file: the answer, or why there is none.
type Result struct {
	Key    string
	Answer requestcache.Answer
	Err    error // an ErrArticle *llm.Error with the reason
}

type resultLine struct {
	CustomID string `json:"custom_id"`
	Response *struct {
		StatusCode int             `json:"status_code"`
		Body       json.RawMessage `json:"body"`
	} `json:"response"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// ReadResults reads a Batch API result file (OpenAI's output and error
// files, vLLM run-batch's output) and calls fn for each line. A line that is
// not a result at all (not JSON, no custom_id shaped like brief's keys) is
// an error naming the line: the file is not what it should be.
func ReadResults(r io.Reader, name string, fn func(Result) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxResultLine)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		res, err := parseResult([]byte(text))
		if rerr := sc.Err(); err != nil && rerr != nil {
			// A read that failed mid-line: the scanner hands the part
			// read as a last line; the failure is the read's.
			return rerr
		}
		if err != nil {
			return fmt.Errorf("%s line %d: %v", name, n, err)
		}
		if err := fn(res); err != nil {
			return err
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return fmt.Errorf("%s: a line is longer than %d MB: not a result file brief asked for", name, MaxResultLine>>20)
	}
	return sc.Err()
}

func parseResult(data []byte) (Result, error) {
	var l resultLine
	if err := json.Unmarshal(data, &l); err != nil {
		return Result{}, fmt.Errorf("not a Batch API result line: %v", err)
	}
	if !isKey(l.CustomID) {
		return Result{}, fmt.Errorf("custom_id %q is not one of brief's request keys (64 hex digits): is this the result of a file brief wrote?", clip(l.CustomID))
	}
	if l.Response == nil && l.Error == nil {
		return Result{}, fmt.Errorf("not a result line (no response, no error): is this the request file rather than the results?")
	}
	res := Result{Key: l.CustomID}
	switch {
	case l.Error != nil && (l.Error.Message != "" || l.Error.Code != ""):
		res.Err = lineError("the batch failed this request: %s", strings.TrimSpace(l.Error.Code+" "+l.Error.Message))
	case l.Response == nil:
		res.Err = lineError("the batch result has an empty error and no response")
	case l.Response.StatusCode != 200:
		res.Err = lineError("the batch answered this request with HTTP %d: %s", l.Response.StatusCode, errorMessage(l.Response.Body))
	default:
		var body openai.ChatCompletionResponse
		if err := json.Unmarshal(l.Response.Body, &body); err != nil {
			res.Err = lineError("the batch answer is not a chat completion: %v", err)
			break
		}
		resp, err := llm.BatchAnswer(body)
		res.Answer = requestcache.Answer{Text: resp.Text, FinishReason: resp.FinishReason, Usage: resp.Usage}
		res.Err = err
	}
	return res, nil
}

func lineError(format string, args ...any) error {
	return &llm.Error{Class: llm.ErrArticle, Msg: clip(fmt.Sprintf(format, args...))}
}

func errorMessage(body json.RawMessage) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	return "no error message"
}

// isKey: 64 lower-case hex digits, as requestcache.Key writes them.
func isKey(s string) bool { return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == "" }

// clip keeps text from a file to one readable line.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return s
}
