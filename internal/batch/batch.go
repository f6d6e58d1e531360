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

import "github.com/brief-news/brief/internal/requestcache"

// Line is one request line of a Batch API input file.
type Line = requestcache.Line
