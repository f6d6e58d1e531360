package cli

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/brief-news/brief/internal/llm"
	"go.yaml.in/yaml/v3"
)

// envFor maps flag names to the environment variables that set them. Flags
// beat the environment; the environment beats the config file.
var envFor = map[string]string{
	"base-url": "OPENAI_BASE_URL",
	"model":    "BRIEF_MODEL",
	"api-key":  "OPENAI_API_KEY",
}

// configFile finds the config file: --config, else $BRIEF_CONFIG, else
// brief.yaml in the working folder, else brief.yaml in the user config
// folder. An explicitly named file must exist; the implicit ones may not.
func configFile(flags *pflag.FlagSet) (path string, explicit bool) {
	if f := flags.Lookup("config"); f != nil && f.Changed {
		return f.Value.String(), true
	}
	if p := os.Getenv("BRIEF_CONFIG"); p != "" {
		return p, true
	}
	if _, err := os.Stat("brief.yaml"); err == nil {
		return "brief.yaml", false
	}
	if d, err := os.UserConfigDir(); err == nil {
		p := filepath.Join(d, "brief", "brief.yaml")
		if _, err := os.Stat(p); err == nil {
			return p, false
		}
	}
	return "", false
}

// applyLayers fills every flag the user did not set on the command line
// from its environment variable, else from the config file. Config keys are
// the long flag names (base-url, model, concurrency, ...).
func applyLayers(flags *pflag.FlagSet) (string, error) {
	path, values, err := configValues(flags)
	if err != nil {
		return path, err
	}
	named := baseURLNamed(flags, values)
	if err := ollamaHostFallback(flags, values); err != nil {
		return path, err
	}
	flags.VisitAll(func(f *pflag.Flag) {
		if err == nil && !f.Changed {
			// $OPENAI_API_KEY is for the server the user names: the
			// default local Ollama and $OLLAMA_HOST need no key and are
			// often plain http, so it is not sent there.
			useEnv := f.Name != "api-key" || named
			err = applyLayer(flags, f, path, values, useEnv)
		}
	})
	return path, err
}

// baseURLNamed reports whether the user named the endpoint: --base-url,
// $OPENAI_BASE_URL or the config file's base-url or endpoints (not the
// default, not $OLLAMA_HOST).
func baseURLNamed(flags *pflag.FlagSet, values map[string]any) bool {
	if flags.Changed("base-url") || os.Getenv(envFor["base-url"]) != "" {
		return true
	}
	f := flags.Lookup("base-url")
	for _, k := range []string{"base-url", "base_url"} {
		if text, set, _ := configText(f, values[k]); set && strings.TrimSpace(text) != "" {
			return true
		}
	}
	_, ok := values["endpoints"]
	return ok
}

// configValues reads the config file's settings, refusing unknown keys and
// a setting given twice (base-url and base_url).
func configValues(flags *pflag.FlagSet) (string, map[string]any, error) {
	path, explicit := configFile(flags)
	values := map[string]any{}
	if path != "" {
		data, err := readConfig(path)
		if err != nil {
			if explicit || !os.IsNotExist(err) {
				return path, nil, fmt.Errorf("config file %s: %w", path, err)
			}
		} else if err := yaml.Unmarshal(data, &values); err != nil {
			return path, nil, fmt.Errorf("config file %s is not valid YAML: %v", path, err)
		}
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// One config file serves every command: a key is valid when it names
	// a flag of `brief run` (the superset); commands without that flag
	// ignore it.
	valid := runFlagNames()
	seen := map[string]string{}
	for _, k := range keys {
		name := strings.ReplaceAll(k, "_", "-")
		if !valid[name] || name == "config" {
			return path, nil, fmt.Errorf("config file %s: unknown key %q (keys are the long flag names of brief run, e.g. model, base-url, concurrency)", path, k)
		}
		if other, dup := seen[name]; dup {
			return path, nil, fmt.Errorf("config file %s: %q and %q are the same setting: keep one", path, other, k)
		}
		seen[name] = k
	}
	return path, values, nil
}

// applyLayer sets one flag the command line left unset: from its
// environment variable when that is set and not empty (and useEnv), else
// from the config file's values.
func applyLayer(flags *pflag.FlagSet, f *pflag.Flag, path string, values map[string]any, useEnv bool) error {
	if env := envFor[f.Name]; env != "" && useEnv {
		if v, ok := os.LookupEnv(env); ok && v != "" {
			if err := f.Value.Set(v); err != nil {
				return fmt.Errorf("$%s: %v", env, err)
			}
			return nil
		}
	}
	v, ok := values[f.Name]
	if !ok {
		v, ok = values[strings.ReplaceAll(f.Name, "-", "_")]
	}
	if !ok {
		return nil
	}
	if cs, ok := f.Value.(*endpointList); ok {
		if endpointsOverridden(flags.Changed("base-url")) {
			return nil
		}
		if err := cs.setConfig(v); err != nil {
			return fmt.Errorf("config file %s: endpoints: %v", path, err)
		}
		return nil
	}
	text, set, err := configText(f, v)
	if err == nil && set {
		err = f.Value.Set(text)
	}
	if err != nil {
		return fmt.Errorf("config file %s: %s: %v", path, f.Name, err)
	}
	return nil
}

// maxConfigBytes bounds the config file: it holds a few settings, and
// --config /dev/zero must not take the machine's memory.
const maxConfigBytes = 1 << 20

// readConfig reads the config file, which must be a regular file of
// reasonable size (a FIFO would block, a device never ends).
func readConfig(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err == nil && len(data) > maxConfigBytes {
		err = fmt.Errorf("larger than %d KB: a config file holds a few settings", maxConfigBytes>>10)
	}
	return data, err
}

// configText is the text a config value sets flag f to. An empty value
// (`model:` or `model: ""`, an empty list) leaves the flag unset, so the
// environment or the default applies: never the text "<nil>". A mapping is
// an error, and so is a list for a flag that takes one value.
func configText(f *pflag.Flag, v any) (text string, set bool, err error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return x, strings.TrimSpace(x) != "", nil
	case []any:
		if !strings.HasSuffix(f.Value.Type(), "Slice") {
			return "", false, fmt.Errorf("give one value, not a list")
		}
		parts := make([]string, 0, len(x))
		for _, item := range x {
			s, ok, err := configText(&pflag.Flag{Value: scalarOnly{}}, item)
			if err != nil {
				return "", false, err
			}
			if ok {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ","), len(parts) > 0, nil
	case map[string]any, map[any]any:
		return "", false, fmt.Errorf("give a value, not a mapping")
	}
	return fmt.Sprint(v), true, nil
}

// scalarOnly is the flag type of a list's items: a value, not a list.
type scalarOnly struct{ pflag.Value }

func (scalarOnly) Type() string { return "item" }

func runFlagNames() map[string]bool {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	(&runOptions{}).register(fs)
	names := map[string]bool{}
	fs.VisitAll(func(f *pflag.Flag) { names[f.Name] = true })
	return names
}

// ollamaHostFallback points brief at $OLLAMA_HOST, as the ollama CLI does,
// when nothing else names the endpoint (no --base-url, no $OPENAI_BASE_URL,
// no base-url in the config file).
func ollamaHostFallback(flags *pflag.FlagSet, config map[string]any) error {
	f := flags.Lookup("base-url")
	host := strings.TrimSpace(os.Getenv("OLLAMA_HOST"))
	if f == nil || f.Changed || host == "" || os.Getenv(envFor["base-url"]) != "" {
		return nil
	}
	for _, k := range []string{"base-url", "base_url"} {
		if _, set, _ := configText(f, config[k]); set {
			return nil
		}
	}
	u, err := ollamaBaseURL(host)
	if err != nil {
		return fmt.Errorf("$OLLAMA_HOST: %v", err)
	}
	f.Changed = true
	return f.Value.Set(u)
}

// ollamaBaseURL turns OLLAMA_HOST's forms ("127.0.0.1", ":11435",
// "0.0.0.0:11434", "http://gpu-box:11434", "https://ollama.example/x") into
// the OpenAI-compatible base URL. A listen-everywhere address (0.0.0.0,
// [::]) is reached on loopback.
func ollamaBaseURL(host string) (string, error) {
	scheme := "http"
	if i := strings.Index(host, "://"); i >= 0 {
		scheme, host = strings.ToLower(host[:i]), host[i+3:]
	}
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("%q is not an http(s) address: set it like 127.0.0.1:11434", llm.RedactURL(scheme+"://"+host))
	}
	hostport, path, _ := strings.Cut(host, "/")
	h, port, err := net.SplitHostPort(hostport)
	if err != nil {
		h, port = hostport, "11434"
		if scheme == "https" {
			port = "443"
		}
	}
	switch strings.Trim(h, "[]") {
	case "", "0.0.0.0", "::":
		h = "127.0.0.1"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(strings.Trim(h, "[]"), port), Path: strings.TrimRight("/"+path, "/") + "/v1"}
	return u.String(), nil
}
