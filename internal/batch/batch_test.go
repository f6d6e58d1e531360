package batch

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/requestcache"
)

func line(text string) Line {
	body := openai.ChatCompletionRequest{Messages: []openai.ChatCompletionMessage{{Role: "user", Content: text}}}
	return Line{CustomID: requestcache.Key("m", "", body), Method: "POST", URL: openai.BatchEndpointChatCompletions, Body: body}
}

// encode is lines as one request file.
func encode(t *testing.T, lines ...Line) []byte {
	files, err := Files(lines, len(lines), MaxBytes)
	if err != nil || len(files) != 1 {
		t.Fatalf("%d files, err %v: want one", len(files), err)
	}
	return files[0]
}

func TestFilesKeepEachWithinTheLimits(t *testing.T) {
	var lines []Line
	for i := 0; i < 10; i++ {
		lines = append(lines, line(strings.Repeat("x", 100)))
	}
	size := len(encode(t, lines[0]))
	files, _ := Files(lines, 4, 3*size)
	total := 0
	for _, f := range files {
		n := bytes.Count(f, []byte("\n"))
		if n > 4 || len(f) > 3*size {
			t.Errorf("a file of %d lines, %d bytes: limits 4 lines, %d bytes", n, len(f), 3*size)
		}
		total += n
	}
	if total != 10 || len(files) != 4 {
		t.Errorf("%d files holding %d lines, want 4 files holding 10", len(files), total)
	}
	// the request count binds before the bytes do
	if files, _ := Files(lines, 4, 100*size); len(files) != 3 || bytes.Count(files[0], []byte("\n")) != 4 || bytes.Count(files[2], []byte("\n")) != 2 {
		t.Errorf("10 small lines at most 4 a file: %d files", len(files))
	}
	for _, f := range files {
		for _, l := range strings.Split(strings.TrimSuffix(string(f), "\n"), "\n") {
			if !json.Valid([]byte(l)) {
				t.Errorf("line %q is not JSON", l)
			}
		}
	}
}

func TestReadResultsClassifiesEveryLine(t *testing.T) {
	k := strings.Repeat("a", 64)
	file := strings.Join([]string{
		`{"custom_id":"` + k + `","response":{"status_code":200,"body":{"choices":[{"message":{"content":"EN: ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2}}}}`,
		`{"custom_id":"` + k + `","response":{"status_code":200,"body":{"choices":[{"message":{"content":""},"finish_reason":"content_filter"}]}}}`,
		`{"custom_id":"` + k + `","response":null,"error":{"code":"batch_expired","message":"This request could not be executed before the completion window expired."}}`,
		``,
	}, "\n")
	var got []Result
	err := ReadResults(strings.NewReader(file), "out.jsonl", func(r Result) error { got = append(got, r); return nil })
	if err != nil || len(got) != 3 {
		t.Fatalf("err %v, %d results", err, len(got))
	}
	if got[0].Err != nil || got[0].Answer.Text != "EN: ok" || got[0].Answer.Usage.CompletionTokens != 2 {
		t.Errorf("good line: %+v", got[0])
	}
	for _, r := range got[1:] {
		if !errors.Is(r.Err, llm.ErrArticle) {
			t.Errorf("line %+v: want an ErrArticle", r)
		}
	}
	if !strings.Contains(got[2].Err.Error(), "batch_expired") {
		t.Errorf("expired line's reason: %v", got[2].Err)
	}
}

func TestReadResultsRefusesWhatIsNotAResultFile(t *testing.T) {
	for name, file := range map[string]string{
		"not json":     "hello\n",
		"foreign id":   `{"custom_id":"request-1","response":{"status_code":200,"body":{}}}`,
		"request file": `{"custom_id":"` + strings.Repeat("b", 64) + `","method":"POST","url":"/v1/chat/completions","body":{}}`,
		"a huge line":  `{"custom_id":"` + strings.Repeat("c", MaxResultLine) + `"}`,
	} {
		err := ReadResults(strings.NewReader(file), "x.jsonl", func(Result) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "x.jsonl") {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
	}
}
