package llm

import (
	"errors"

	openai "github.com/sashabaranov/go-openai"
)

// ChatBody is the chat-completions request the client sends for req
// (without streaming), as a Batch API line's body carries it: the same
// model, messages, max_tokens, temperature and response format, so an
// answer computed offline is the answer a live request would have got.
func (c *Client) ChatBody(req Request) openai.ChatCompletionRequest {
	oreq := openai.ChatCompletionRequest{Model: c.cfg.Model, MaxTokens: req.MaxTokens, Temperature: c.temperature()}
	if req.System != "" {
		oreq.Messages = append(oreq.Messages, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: req.System})
	}
	oreq.Messages = append(oreq.Messages, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: req.User})
	if req.JSON {
		oreq.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return oreq
}

// BatchAnswer turns a Batch API result body into a Response, with the
// checks a live answer gets: an answer the content filter stopped, or an
// empty one, is an error of class ErrArticle with the reason.
func BatchAnswer(body openai.ChatCompletionResponse) (Response, error) {
	r, err := answerOf(body)
	switch {
	case errors.Is(err, errNoChoices):
		return r, &Error{Class: ErrArticle, Msg: "the batch result has no answer (no choices)"}
	case errors.Is(err, errContentFilter):
		return r, &Error{Class: ErrArticle, Msg: "the endpoint's content filter stopped the answer"}
	case err != nil:
		return r, &Error{Class: ErrArticle, Msg: "the batch result is an empty answer"}
	}
	return r, nil
}

// ChatBody is the request body for req as the pool's servers send it (they
// share every setting but address, key and the model's local name).
func (p *Pool) ChatBody(req Request) openai.ChatCompletionRequest {
	return p.servers[0].c.ChatBody(req)
}
