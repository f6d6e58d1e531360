// Command tinymodel writes the random-weight llama GGUF and the Modelfile
// the live tests serve with a real Ollama (.ci/ollama.sh):
//
//	go run ./internal/testkit/tinymodel/cmd/tinymodel -o DIR
//	ollama create brief-tiny -f DIR/Modelfile
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/brief-news/brief/internal/testkit/tinymodel"
)

func main() {
	dir := flag.String("o", ".", "folder for model.gguf and Modelfile")
	flag.Parse()
	if err := write(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "tinymodel:", err)
		os.Exit(1)
	}
}

func write(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return err
	}
	c := tinymodel.Default()
	gguf := filepath.Join(abs, "model.gguf")
	f, err := os.Create(gguf)
	if err != nil {
		return err
	}
	if err := tinymodel.Write(f, c); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	mf := filepath.Join(abs, "Modelfile")
	if err := os.WriteFile(mf, []byte(tinymodel.Modelfile(gguf, c)), 0o644); err != nil {
		return err
	}
	fmt.Println(mf)
	return nil
}
