package tinymodel

import "fmt"

// Modelfile is what `ollama create` needs to serve the GGUF at ggufPath
// for chat. The template keeps every message (Ollama's default template
// keeps only the prompt and would hide the system prompt's tokens from the
// count), and num_predict caps an answer: random weights rarely pick the
// end token, and an uncapped answer would run until the window shifts.
// One thread: ggml's threads wait for each other at every step, and on a
// busy shared machine a second thread mostly waits (measured: 0.5 s a
// token with two threads under load, 20-50 ms with one).
func Modelfile(ggufPath string, c Config) string {
	return fmt.Sprintf(`FROM %s
TEMPLATE """{{- range .Messages }}<|{{ .Role }}|>
{{ .Content }}
{{ end }}<|assistant|>
"""
PARAMETER num_ctx %d
PARAMETER num_predict 256
PARAMETER num_thread 1
`, ggufPath, c.Context)
}
