package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/brief-news/brief/internal/wiring"
)

// isolateEnv clears every variable the config layering reads, so a test
// sees only its own config file.
func isolateEnv(t testing.TB) {
	for _, k := range []string{"OPENAI_API_KEY", "OPENAI_BASE_URL", "BRIEF_MODEL", "BRIEF_CONFIG", "OLLAMA_HOST"} {
		t.Setenv(k, "")
	}
}

// registerRun adds brief run's flags: all of them.
func registerRun(o *Options, fs *pflag.FlagSet) {
	o.Register(fs, Server, Requests, Identity, Translation, Review, Talk, Run)
}

func runFlagSet() *pflag.FlagSet {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	registerRun(New(), fs)
	return fs
}

// layered registers brief run's flags, points --config at a file holding
// yaml and applies the layers, as `brief run` does before validating.
func layered(t testing.TB, yaml string) (*Options, error) {
	path := filepath.Join(t.TempDir(), "brief.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	o, _, err := layeredFile(t, path)
	return o, err
}

// layeredFile is layered for a config file already written at path; it
// also gives the flag set, for a caller that validates or visits it.
func layeredFile(t testing.TB, path string) (*Options, *pflag.FlagSet, error) {
	o := New()
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	registerRun(o, fs)
	if err := fs.Parse([]string{"--config", path}); err != nil {
		t.Fatal(err)
	}
	return o, fs, o.layer(fs)
}

// An empty value in brief.yaml means unset: the default (or the
// environment) applies, never the text "<nil>" as a key, model or folder.
func TestEmptyConfigValuesAreUnset(t *testing.T) {
	isolateEnv(t)
	o, err := layered(t, "api-key:\nmodel:\nout: \"\"\nbase-url: \"  \"\nformat: []\nlang: ~\n")
	if err != nil {
		t.Fatal(err)
	}
	d := wiring.Defaults()
	if o.APIKey != "" || o.Model != d.Client.Model || o.Out != d.Out || o.BaseURLs[0] != d.Client.BaseURL || o.Lang != d.Lang {
		t.Fatalf("api-key %q, model %q, out %q, base-url %q, lang %q: want no key and the defaults", o.APIKey, o.Model, o.Out, o.BaseURLs[0], o.Lang)
	}
	if err := o.validate(runFlagSet()); err != nil {
		t.Fatalf("validate: %v", err)
	}

	// The environment still fills what the file leaves empty (the key for
	// a server the file names).
	t.Setenv("OPENAI_API_KEY", "sk-from-env")
	if o, _ = layered(t, "base-url: http://127.0.0.1:1/v1\napi-key:\n"); o.APIKey != "sk-from-env" {
		t.Fatalf("api-key %q, want the environment's", o.APIKey)
	}

	// So does an empty value in an endpoints entry.
	isolateEnv(t)
	o, err = layered(t, "endpoints:\n  - base-url: http://127.0.0.1:1/v1\n    api-key:\n    model:\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Endpoints) != 1 || o.Endpoints[0].APIKey != "" || o.Endpoints[0].Model != "" {
		t.Fatalf("endpoints = %+v: want no key and no model (the run's)", o.Endpoints)
	}
}

// Negative, absurd and ill-shaped values are errors that name the
// setting, whether they come from the config file or the command line.
func TestBadValuesAreErrorsNamingTheSetting(t *testing.T) {
	isolateEnv(t)
	config := map[string]string{
		"timeout: -5s":                 "timeout",
		"timeout: 0s":                  "timeout in ",
		"idle-timeout: 0s":             "idle-timeout in ",
		"deadline: -1h":                "deadline",
		"rpm: -1":                      "rpm in ",
		"tpm: -5":                      "tpm in ",
		"price-in: -5":                 "price-in in ",
		"price-out: .nan":              "price-out in ",
		"max-cost: -1":                 "max-cost in ",
		"max-tokens: -1":               "max-tokens in ",
		"temperature: .nan":            "temperature in ",
		"concurrency: 1000000":         "concurrency in ",
		"retries: 100000":              "retries in ",
		"since: 99999999999d":          "since in ",
		"model: {name: x}":             "model: give a value, not a mapping",
		"model: [a, b]":                "model: give one value, not a list",
		"format: [md, [html]]":         "format: give one value, not a list",
		"base-url: x\nbase_url: y":     `"base-url" and "base_url" are the same setting`,
		"endpoints:\n  - api-key: {}":  "api-key: give a value, not a mapping",
		"base-url: 'alice:pw@host/v1'": "base-url",
	}
	for yaml, want := range config {
		o, err := layered(t, yaml)
		if err == nil {
			err = o.validate(runFlagSet())
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config %q: error %v, want one naming %q", yaml, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("config %q: %v shows the password", yaml, err)
		}
	}

	flags := map[string]string{
		"--timeout=-5s":        "--timeout",
		"--deadline=-1h":       "--deadline",
		"--rpm=-1":             "--rpm",
		"--price-in=-5":        "--price-in",
		"--since=99999999999d": "--since",
		"--since=-3d":          "--since",
		"--out=":               "--out",
		"--max-tokens=-1":      "--max-tokens",
	}
	for flag, want := range flags {
		o, fs := New(), pflag.NewFlagSet("run", pflag.ContinueOnError)
		registerRun(o, fs)
		err := fs.Parse([]string{flag})
		if err == nil {
			err = o.Load(fs)
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one naming %s", flag, err, want)
		}
	}
}

// A config file that is not a small regular file is refused, not read
// without end.
func TestConfigFileMustBeASmallRegularFile(t *testing.T) {
	isolateEnv(t)
	big := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(big, []byte("model: x\n"+strings.Repeat("# padding\n", 200_000)), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/dev/zero": "not a regular file", big: "larger than"} {
		o, fs := New(), pflag.NewFlagSet("check", pflag.ContinueOnError)
		o.Register(fs, Server)
		if err := fs.Parse([]string{"--config", path}); err != nil {
			t.Fatal(err)
		}
		if err := o.Load(fs); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--config %s: error %v", path, err)
		}
	}
}

// brief.yaml's keys are brief run's long flags, one for one, decoded into
// the same options the flags fill: a flag added without its key (or a key
// left after its flag went) fails here.
func TestConfigKeysAreTheRunFlags(t *testing.T) {
	isolateEnv(t)
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	registerRun(New(), fs)
	keys := map[string]bool{}
	typ := reflect.TypeOf(Options{})
	for i := 0; i < typ.NumField(); i++ {
		if k := typ.Field(i).Tag.Get("yaml"); k != "" && k != "-" {
			keys[k] = true
		}
	}
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Name != "config" && !keys[f.Name] {
			t.Errorf("--%s has no config key", f.Name)
		}
		delete(keys, f.Name)
	})
	delete(keys, "endpoints") // the file's alone
	for k := range keys {
		t.Errorf("config key %s is no flag of brief run", k)
	}

	o, err := layered(t, "timeout: 2d\ncontext: auto\nformat: md, html\nbase_url: [http://127.0.0.1:1/v1, http://127.0.0.1:2/v1]\nmax-cost: 2.5\nstrict: true\n")
	if err != nil {
		t.Fatal(err)
	}
	if o.Timeout != 48*time.Hour || o.Context != 0 || strings.Join(o.Formats, " ") != "md html" || len(o.BaseURLs) != 2 || o.MaxCost != 2.5 || !o.Strict {
		t.Errorf("decoded %+v", o)
	}
	for yaml, want := range map[string]string{
		"strict: maybe":      `strict: "maybe": give true or false`,
		"concurrency: four":  `concurrency: "four": give a whole number`,
		"slots: 3":           `unknown key "slots"`,
		"config: other.yaml": `unknown key "config"`,
	} {
		if _, err := layered(t, yaml); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", yaml, err, want)
		}
	}
}

// A bad value is named where the user set it (issue 25): "concurrency in
// brief.yaml" for the file's key, "--concurrency" for the flag.
func TestBadValuesAreNamedWhereTheyWereSet(t *testing.T) {
	isolateEnv(t)
	for _, c := range []struct{ key, value string }{
		{"concurrency", "0"}, {"retries", "-1"}, {"rpm", "-1"}, {"tpm", "-1"},
		{"temperature", "3"}, {"context", "100"}, {"format", "pdf"},
		{"site-url", "ftp://x"}, {"since", "soon"}, {"max-size", "-1"},
		{"max-size", "9223372036854775807"},
		{"price-in", "-1"}, {"max-tokens", "-1"}, {"max-cost", "5"},
		{"batch-discount", "2"}, {"batch-fallback", "true"},
	} {
		o, err := layered(t, c.key+": "+c.value+"\n")
		if err == nil {
			err = o.validate(runFlagSet())
		}
		if err == nil || !strings.HasPrefix(err.Error(), c.key+" in ") || strings.Contains(err.Error(), "--"+c.key) {
			t.Errorf("%s: %s in brief.yaml gave %v, want an error naming %q in brief.yaml", c.key, c.value, err, c.key)
		}
		o, fs := New(), pflag.NewFlagSet("run", pflag.ContinueOnError)
		registerRun(o, fs)
		if err := fs.Parse([]string{"--" + c.key + "=" + c.value}); err != nil {
			t.Fatal(err)
		}
		if err = o.Load(fs); err == nil || !strings.HasPrefix(err.Error(), "--"+c.key+" ") {
			t.Errorf("%s: --%s=%s gave %v, want an error naming --%s", c.key, c.key, c.value, err, c.key)
		}
	}
}

// Every --base-url of a run over several servers is checked, not only the
// first.
func TestEveryBaseURLIsChecked(t *testing.T) {
	isolateEnv(t)
	o, fs := New(), pflag.NewFlagSet("run", pflag.ContinueOnError)
	registerRun(o, fs)
	if err := fs.Parse([]string{"--base-url", "http://a.example/v1", "--base-url", "ftp://b.example/v1"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Load(fs); err == nil || !strings.HasPrefix(err.Error(), "check --base-url: ") {
		t.Errorf("a second base URL of ftp:// gave %v, want check --base-url: ...", err)
	}
}
