package llm

import (
	"context"
	"slices"
)

// Models lists the models the endpoint serves (GET /models), sorted. An
// endpoint that does not list its models (some llama.cpp and proxy setups)
// gives an *Error that says so.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	models, info, err := c.listModels(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, c.ctxError(ctx, ctx.Err())
		}
		if e := c.endpointDown(err, info); e != nil {
			return nil, e
		}
		e := c.classify(err, info)
		return nil, &Error{Class: e.Class, Status: e.Status, Err: e.Err,
			Msg: c.Endpoint() + " does not list its models (GET /models): " + e.Msg}
	}
	slices.Sort(models)
	return models, nil
}

// SameModel compares model names as Ollama does: "llama3.2" is
// "llama3.2:latest".
func SameModel(a, b string) bool {
	return hasModel([]string{a}, b)
}
