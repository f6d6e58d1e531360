package tinymodel

import (
	"fmt"
	"io"
	"math/rand/v2"
)

// Config shapes the model. The zero value is not useful; use Default.
type Config struct {
	Layers  int    // transformer blocks
	Embed   int    // hidden size
	FFN     int    // feed-forward size
	Heads   int    // attention heads (as many key/value heads)
	Context int    // training context, the window Ollama serves
	Seed    uint64 // weights are random but reproducible
}

// Default is the CI model: 2 layers, 64 wide, a 4,096-token window, about
// 400 KB. (A 32-wide one cost the runner as much CPU per prompt, and under
// JSON mode's grammar it repeated whitespace until Ollama dropped the
// answer; this one answers JSON mode.)
func Default() Config {
	return Config{Layers: 2, Embed: 64, FFN: 128, Heads: 4, Context: 4096, Seed: 16}
}

// Token ids the vocabulary fixes (the SentencePiece defaults llama.cpp assumes).
const (
	tokUnknown = 0
	tokBOS     = 1
	tokEOS     = 2
)

// SentencePiece token types (llama.cpp llama_token_type).
const (
	typeNormal  = 1
	typeUnknown = 2
	typeControl = 3
	typeByte    = 6
)

// Vocabulary is byte fallback only: the three control tokens, one token
// per byte and the word-boundary marker, so every byte of text costs a
// token (Danish æ, ø, å cost two).
func Vocabulary() (tokens []string, types []int32) {
	tokens = []string{"<unk>", "<s>", "</s>"}
	types = []int32{typeUnknown, typeControl, typeControl}
	for b := range 256 {
		tokens = append(tokens, fmt.Sprintf("<0x%02X>", b))
		types = append(types, typeByte)
	}
	tokens = append(tokens, "▁")
	types = append(types, typeNormal)
	return tokens, types
}

// Write writes the model as GGUF to w.
func Write(w io.Writer, c Config) error {
	if c.Layers < 1 || c.Embed < 1 || c.FFN < 1 || c.Heads < 1 || c.Embed%c.Heads != 0 || c.Context < 1 {
		return fmt.Errorf("tinymodel: unusable shape %+v", c)
	}
	tokens, types := Vocabulary()
	g := gguf{kvs: metadata(c, tokens, types), tensors: weights(c, len(tokens))}
	return g.writeTo(w)
}

func metadata(c Config, tokens []string, types []int32) []kv {
	scores := make([]float32, len(tokens))
	return []kv{
		{"general.architecture", "llama"},
		{"general.name", "brief-tiny"},
		{"general.file_type", uint32(0)}, // all F32
		{"general.alignment", uint32(alignment)},
		{"llama.context_length", uint32(c.Context)},
		{"llama.embedding_length", uint32(c.Embed)},
		{"llama.block_count", uint32(c.Layers)},
		{"llama.feed_forward_length", uint32(c.FFN)},
		{"llama.attention.head_count", uint32(c.Heads)},
		{"llama.attention.head_count_kv", uint32(c.Heads)},
		{"llama.attention.layer_norm_rms_epsilon", float32(1e-5)},
		{"llama.rope.dimension_count", uint32(c.Embed / c.Heads)},
		{"llama.rope.freq_base", float32(10000)},
		{"llama.vocab_size", uint32(len(tokens))},
		{"tokenizer.ggml.model", "llama"},
		{"tokenizer.ggml.tokens", tokens},
		{"tokenizer.ggml.scores", scores},
		{"tokenizer.ggml.token_type", types},
		{"tokenizer.ggml.unknown_token_id", uint32(tokUnknown)},
		{"tokenizer.ggml.bos_token_id", uint32(tokBOS)},
		{"tokenizer.ggml.eos_token_id", uint32(tokEOS)},
		{"tokenizer.ggml.add_bos_token", true},
		{"tokenizer.ggml.add_eos_token", false},
	}
}

// weights are the llama tensors llama.cpp looks up by name. The blocks are
// random and small; the embedding (random, larger) and the output head are
// shaped so that an answer ends the way a real model's does: the residual
// stream is dominated by the current token's embedding, the head scores
// "the next byte value" highest, and after "~" the end token. So greedy or
// cool sampling walks up the byte values from wherever the prompt ended and
// stops within about 120 tokens, instead of hitting max_tokens (which brief
// rightly treats as a cut answer) or repeating one token until Ollama
// aborts the answer without a finish_reason (it does after 30 repeats).
func weights(c Config, vocab int) []tensor {
	rng := rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	e, f, v := uint64(c.Embed), uint64(c.FFN), uint64(vocab)
	const std = 0.02
	embd := randomTensor(rng, "token_embd.weight", 1, e, v)
	ts := []tensor{embd}
	for i := range c.Layers {
		p := fmt.Sprintf("blk.%d.", i)
		ts = append(ts,
			onesTensor(p+"attn_norm.weight", e),
			randomTensor(rng, p+"attn_q.weight", std, e, e),
			randomTensor(rng, p+"attn_k.weight", std, e, e),
			randomTensor(rng, p+"attn_v.weight", std, e, e),
			randomTensor(rng, p+"attn_output.weight", std, e, e),
			onesTensor(p+"ffn_norm.weight", e),
			randomTensor(rng, p+"ffn_gate.weight", std, e, f),
			randomTensor(rng, p+"ffn_up.weight", std, e, f),
			randomTensor(rng, p+"ffn_down.weight", std, f, e),
		)
	}
	return append(ts, onesTensor("output_norm.weight", e), outputHead(rng, embd, c.Embed, vocab))
}

// Token ids of the byte tokens: byte b is token firstByte+b.
const firstByte = 3

// outputHead scores token x by the embedding of the byte before it, so
// after byte b the highest logit is byte b+1, and scores the end token by
// the embedding of "~", a little higher than "~"'s own successor.
func outputHead(rng *rand.Rand, embd tensor, embed, vocab int) tensor {
	const next, stop = 0.1, 0.15
	row := func(id int) []float32 { return embd.data[id*embed : (id+1)*embed] }
	out := randomTensor(rng, "output.weight", 0.02, uint64(embed), uint64(vocab))
	set := func(id int, src []float32, scale float32) {
		for k, x := range src {
			out.data[id*embed+k] = x * scale
		}
	}
	for b := 1; b < 256; b++ {
		set(firstByte+b, row(firstByte+b-1), next)
	}
	set(tokEOS, row(firstByte+'~'), stop)
	return out
}
