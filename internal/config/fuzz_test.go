package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// FuzzConfigFile feeds the config loader any file: it never panics, never
// turns a value into Go's printing of nil, a map or a list, and either
// fails with a message naming the file or a setting, or leaves options
// that validate the same way the command line's would.
//
//	go test ./internal/cli -run '^$' -fuzz FuzzConfigFile -fuzztime 60s
func FuzzConfigFile(f *testing.F) {
	for _, seed := range []string{
		"",
		"model: qwen2.5:7b\nconcurrency: 4\n",
		"api-key:\nmodel:\nout:\n",
		"base-url: http://alice:secret@127.0.0.1:11434/v1\ntimeout: 5m\n",
		"format: [md, html]\nsince: 7d\n",
		"model: {a: 1}\n",
		"model: [a, b]\n",
		"timeout: -5s\ndeadline: -1h\nrpm: -1\nprice-in: -5\n",
		"price-out: .inf\ntemperature: .nan\n",
		"base_url: x\nbase-url: y\n",
		"endpoints:\n  - base-url: http://127.0.0.1:1/v1\n    api-key:\n    concurrency: 2\n",
		"a: &a [*a, *a]\n",
		"- just\n- a list\n",
		"context: auto\nmax-size: 1e9\n",
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Setenv("OPENAI_API_KEY", "")
	f.Setenv("OPENAI_BASE_URL", "")
	f.Setenv("BRIEF_MODEL", "")
	f.Setenv("BRIEF_CONFIG", "")
	f.Setenv("OLLAMA_HOST", "")
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.Contains(data, []byte("key-file")) || bytes.Contains(data, []byte("key_file")) {
			// A key file is read from wherever the file says: not
			// this target's business (readKeyFile has its own tests).
			t.Skip()
		}
		path := filepath.Join(dir, "brief.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		o, fs, err := layeredFile(t, path)
		if err != nil {
			if !strings.Contains(err.Error(), path) && !strings.Contains(err.Error(), "$OLLAMA_HOST") {
				t.Fatalf("error %q does not name the config file", err)
			}
			return
		}
		fs.VisitAll(func(fl *pflag.Flag) {
			v := fl.Value.String()
			if strings.Contains(v, "<nil>") || strings.Contains(v, "map[") {
				t.Fatalf("--%s = %q: a Go value's printing, not a setting", fl.Name, v)
			}
		})
		// A value from the file is named "<key> in <file>", a flag "--<key>".
		if err := o.validate(fs); err != nil && !strings.Contains(err.Error(), " in "+path) && !strings.Contains(err.Error(), "-") {
			t.Fatalf("validate: %q names no setting", err)
		}
		if err := o.validate(fs); err != nil && strings.Contains(err.Error(), "secret@") {
			t.Fatalf("validate: %q shows a URL's password", err)
		}
	})
}
