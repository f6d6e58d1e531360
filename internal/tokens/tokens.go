// Package tokens holds token counts, the one type that the client, the
// manifest and the renderer all speak, so that printing a count does not
// pull the HTTP client in.
package tokens

// Usage is token usage as reported by the endpoint, or estimated when the
// endpoint reports none (Estimated is then true).
type Usage struct {
	PromptTokens     int  `json:"prompt_tokens"`
	CompletionTokens int  `json:"completion_tokens"`
	Estimated        bool `json:"estimated,omitempty"`
}

// Add returns the sum of two usages; the sum is estimated if either part was.
func (u Usage) Add(o Usage) Usage {
	return Usage{
		PromptTokens:     u.PromptTokens + o.PromptTokens,
		CompletionTokens: u.CompletionTokens + o.CompletionTokens,
		Estimated:        u.Estimated || o.Estimated,
	}
}

// Total is prompt plus completion tokens.
func (u Usage) Total() int { return u.PromptTokens + u.CompletionTokens }
