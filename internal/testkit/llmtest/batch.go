package llmtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// BatchRequestLine is one line of a Batch API input file as the fake reads it.
type BatchRequestLine struct {
	CustomID string                       `json:"custom_id"`
	Method   string                       `json:"method"`
	URL      string                       `json:"url"`
	Body     openai.ChatCompletionRequest `json:"body"`
}

// ReadBatchRequests parses a Batch API input file.
func ReadBatchRequests(r io.Reader) ([]BatchRequestLine, error) {
	var lines []BatchRequestLine
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l BatchRequestLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		if l.CustomID == "" || l.Method != http.MethodPost || l.URL != "/v1/chat/completions" {
			return nil, fmt.Errorf("line %d: want custom_id, method POST and url /v1/chat/completions, got %q %q %q", n, l.CustomID, l.Method, l.URL)
		}
		lines = append(lines, l)
	}
	return lines, sc.Err()
}

// BatchResultLine is the result line for one request: the handler's reply as
// the Batch API (and vllm run-batch) writes it. A reply with an error status
// becomes a response with that status and the error body.
func BatchResultLine(l BatchRequestLine, h Handler) []byte {
	if h == nil {
		h = Default
	}
	rep := h(l.Body)
	status := rep.status()
	body := json.RawMessage(completionJSON(l.Body, rep))
	if status != http.StatusOK {
		body = json.RawMessage(rep.Body)
		if !json.Valid(body) {
			body = json.RawMessage(fmt.Sprintf(`{"error":{"message":%q,"type":"server_error"}}`, rep.Body))
		}
	}
	out, _ := json.Marshal(map[string]any{
		"id": "batch_req_" + l.CustomID[:min(8, len(l.CustomID))], "custom_id": l.CustomID,
		"response": map[string]any{"status_code": status, "request_id": "req_llmtest", "body": body},
		"error":    nil,
	})
	return out
}

// BatchErrorLine is an error-file line: the request failed in the batch.
func BatchErrorLine(customID, code, msg string) []byte {
	out, _ := json.Marshal(map[string]any{
		"id": "batch_req_err", "custom_id": customID, "response": nil,
		"error": map[string]any{"code": code, "message": msg},
	})
	return out
}

// AnswerBatch is an offline batch engine stand-in (what `vllm run-batch`
// does): it answers every request line of in with h and writes the result
// lines to out.
func AnswerBatch(in io.Reader, out io.Writer, h Handler) error {
	lines, err := ReadBatchRequests(in)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if _, err := out.Write(append(BatchResultLine(l, h), '\n')); err != nil {
			return err
		}
	}
	return nil
}
