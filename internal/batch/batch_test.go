package batch

import (
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

func TestSplitKeepsEachFileWithinTheLimits(t *testing.T) {
	var lines []Line
	for i := 0; i < 10; i++ {
		lines = append(lines, line(strings.Repeat("x", 100)))
	}
	one, _ := Encode(lines[:1])
	size := len(one)
	parts := Split(lines, 4, 3*size)
	total := 0
	for _, p := range parts {
		data, _ := Encode(p)
		if len(p) > 4 || len(data) > 3*size {
			t.Errorf("a part of %d lines, %d bytes: limits 4 lines, %d bytes", len(p), len(data), 3*size)
		}
		total += len(p)
	}
	if total != 10 || len(parts) != 4 {
		t.Errorf("%d parts holding %d lines, want 4 parts holding 10", len(parts), total)
	}
	// the request count binds before the bytes do
	if parts := Split(lines, 4, 100*size); len(parts) != 3 || len(parts[0]) != 4 || len(parts[2]) != 2 {
		t.Errorf("10 small lines at most 4 a file: %d parts", len(parts))
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
