package config

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"go.yaml.in/yaml/v3"

	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/wiring"
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

// maxConfigBytes bounds the config file: it holds a few settings, and
// --config /dev/zero must not take the machine's memory.
const maxConfigBytes = 1 << 20

// holdsKey reports whether a config file's YAML sets an API key, for brief
// or for one of its endpoints.
func holdsKey(n *yaml.Node) bool {
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 && (c.Value == "api-key" || c.Value == "api_key") &&
			i+1 < len(n.Content) && strings.TrimSpace(n.Content[i+1].Value) != "" {
			return true
		}
		if holdsKey(c) {
			return true
		}
	}
	return false
}

// ollamaBaseURL turns OLLAMA_HOST's forms ("127.0.0.1", ":11435",
// "0.0.0.0:11434", "http://gpu-box:11434", "https://ollama.example/x",
// "user:pw@host") into the OpenAI-compatible base URL. A listen-everywhere
// address (0.0.0.0, [::]) is reached on loopback. The value may hold a
// password: an error shows it redacted.
func ollamaBaseURL(host string) (string, error) {
	if !strings.Contains(host, "://") {
		host = "http://" + host
	}
	u, err := url.Parse(host)
	switch {
	case err != nil || u.Opaque != "":
		// The parse error quotes the value, password and all: not shown.
		return "", fmt.Errorf("%q is not an address: set it like 127.0.0.1:11434", llm.RedactURL(host))
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%q is not an http(s) address: set it like 127.0.0.1:11434", llm.RedactURL(host))
	}
	h, port := u.Hostname(), u.Port()
	switch h {
	case "", "0.0.0.0", "::":
		h = "127.0.0.1"
	}
	port = cmp.Or(port, map[string]string{"http": "11434", "https": "443"}[u.Scheme])
	u.Host, u.Path, u.RawPath = net.JoinHostPort(h, port), strings.TrimRight(u.Path, "/")+"/v1", ""
	return u.String(), nil
}

// layer fills every flag the user did not set on the command line from
// its environment variable, else from the config file, whose keys are the
// long flag names (base-url, model, concurrency, ...).
func (o *Options) layer(flags *pflag.FlagSet) error {
	file, set, err := loadConfig(flags)
	if err != nil {
		return err
	}
	// $OPENAI_API_KEY is for the server the user names: the default local
	// Ollama and $OLLAMA_HOST need no key and are often plain http, so it
	// is not sent there.
	named := flags.Changed("base-url") || os.Getenv(envFor["base-url"]) != "" || set["base-url"] || set["endpoints"]
	if !named {
		// As the ollama CLI does, $OLLAMA_HOST names the server when
		// nothing else does.
		if f, host := flags.Lookup("base-url"), strings.TrimSpace(os.Getenv("OLLAMA_HOST")); f != nil && host != "" {
			u, err := ollamaBaseURL(host)
			if err != nil {
				return fmt.Errorf("$OLLAMA_HOST: %v", err)
			}
			if err := f.Value.Set(u); err != nil {
				return err
			}
			f.Changed, o.origin["base-url"] = true, "OLLAMA_HOST"
		}
		o.keyWithheld = os.Getenv(envFor["api-key"]) != ""
	}
	// The key and its file are one setting: a key file on the command line
	// beats $OPENAI_API_KEY, which beats a key file in brief.yaml.
	// (A key from the environment already wins over the file's: readKeyFile
	// reads a file only when no key is set.)
	keyGiven := flags.Changed("api-key") || flags.Changed("api-key-file")
	dst, src := reflect.ValueOf(o).Elem(), reflect.ValueOf(&file).Elem()
	for i := 0; i < dst.NumField(); i++ {
		name := dst.Type().Field(i).Tag.Get("yaml")
		fl := flags.Lookup(name)
		if name == "endpoints" {
			// The file's servers give way to the ones the command line or
			// $OPENAI_BASE_URL names.
			fl = flags.Lookup("base-url")
		}
		if fl == nil || fl.Changed || (keyGiven && (name == "api-key" || name == "api-key-file")) {
			continue
		}
		if env := envFor[name]; env != "" && os.Getenv(env) != "" && (name != "api-key" || named) {
			if err := fl.Value.Set(os.Getenv(env)); err != nil {
				return fmt.Errorf("$%s: %v", env, err)
			}
			o.origin[fl.Name] = env
		} else if set[name] && (name != "endpoints" || os.Getenv(envFor["base-url"]) == "") {
			dst.Field(i).Set(src.Field(i))
			o.origin[fl.Name] = name + " in " + file.ConfigFile
		}
	}
	return nil
}

// loadConfig decodes the config file into Options (set names the keys it
// sets). An explicitly named file must exist; the implicit ones may not.
func loadConfig(flags *pflag.FlagSet) (file Options, set map[string]bool, err error) {
	path, explicit := configFile(flags)
	if path == "" {
		return file, nil, nil
	}
	// A regular file of reasonable size: a FIFO would block, a device never ends.
	data, fi, err := atomicfile.ReadRegular(path, maxConfigBytes)
	if errors.Is(err, atomicfile.ErrTooLarge) {
		err = fmt.Errorf("larger than %d KB: a config file holds a few settings", maxConfigBytes>>10)
	}
	if err != nil {
		if explicit || !os.IsNotExist(err) {
			return file, nil, fmt.Errorf("config file %s: %w", path, err)
		}
		return file, nil, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return file, nil, fmt.Errorf("config file %s is not valid YAML: %v", path, err)
	}
	if holdsKey(&doc) {
		warnReadable(path, fi, "an API key")
	}
	set, err = decodeMapping(&doc, &file, "keys are the long flag names of brief run, e.g. model, base-url, concurrency")
	if err != nil {
		return file, nil, fmt.Errorf("config file %s: %w", path, err)
	}
	file.ConfigFile = path
	return file, set, nil
}

// decodeMapping decodes a YAML mapping into the struct dst points to, a
// key per field (its yaml tag; base_url is base-url), and says which keys
// it set. An unknown key, or a setting given twice, is an error; an empty
// value (`model:`, "", []) sets nothing, so the environment or the default
// applies.
func decodeMapping(n *yaml.Node, dst any, keys string) (map[string]bool, error) {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n = resolve(n); n.Kind == yaml.DocumentNode || empty(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("want key: value settings (%s)", keys)
	}
	v := reflect.ValueOf(dst).Elem()
	fields := map[string]int{}
	for i := 0; i < v.NumField(); i++ {
		if tag := v.Type().Field(i).Tag.Get("yaml"); tag != "" && tag != "-" {
			fields[tag] = i
		}
	}
	set, seen := map[string]bool{}, map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, resolve(n.Content[i+1])
		name := strings.ReplaceAll(key, "_", "-")
		field, ok := fields[name]
		if !ok {
			return nil, fmt.Errorf("unknown key %q (%s)", key, keys)
		}
		if other, dup := seen[name]; dup {
			return nil, fmt.Errorf("%q and %q are the same setting: keep one", other, key)
		}
		seen[name] = key
		if empty(val) {
			continue
		}
		if err := decodeValue(name, val, v.Field(field).Addr().Interface()); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		set[name] = true
	}
	return set, nil
}

// decodeValue decodes one setting: durations and --context as their flags
// read them, a list as a list or a comma-separated value.
func decodeValue(name string, n *yaml.Node, dst any) error {
	switch p := dst.(type) {
	case *[]string:
		items := []*yaml.Node{n}
		if n.Kind == yaml.SequenceNode {
			items = n.Content
		}
		for _, item := range items {
			if item = resolve(item); item.Kind != yaml.ScalarNode {
				return notAValue(item)
			}
			*p = append(*p, splitList(item.Value)...)
		}
		return nil
	case *[]wiring.Server:
		return decodeEndpoints(n, p)
	}
	if n.Kind != yaml.ScalarNode {
		return notAValue(n)
	}
	switch p := dst.(type) {
	case *time.Duration:
		return newDurationValue(p, 0).Set(n.Value)
	case *int:
		if name == "context" {
			return newContextValue(p, 0).Set(n.Value)
		}
	}
	if n.Decode(dst) != nil {
		want := map[reflect.Kind]string{reflect.Bool: "true or false", reflect.Float64: "a number"}[reflect.TypeOf(dst).Elem().Kind()]
		return fmt.Errorf("%q: give %s", n.Value, cmp.Or(want, "a whole number"))
	}
	return nil
}

func notAValue(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		return fmt.Errorf("give a value, not a mapping")
	}
	return fmt.Errorf("give one value, not a list")
}

// resolve is the node an alias stands for.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// empty says a value sets nothing: null, blank, or an empty list.
func empty(n *yaml.Node) bool {
	return (n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || strings.TrimSpace(n.Value) == "")) ||
		(n.Kind == yaml.SequenceNode && len(n.Content) == 0)
}

// endpoint is one server of the config file's endpoints list.
type endpoint struct {
	BaseURL     string `yaml:"base-url"`
	APIKey      string `yaml:"api-key"`
	APIKeyFile  string `yaml:"api-key-file"`
	Concurrency int    `yaml:"concurrency"`
	Model       string `yaml:"model"`
}

func decodeEndpoints(n *yaml.Node, out *[]wiring.Server) error {
	if n.Kind != yaml.SequenceNode || len(n.Content) > maxServers {
		return fmt.Errorf("want a list of 1 to %d servers, each with base-url and optionally api-key, api-key-file, concurrency, model", maxServers)
	}
	for i, item := range n.Content {
		var e endpoint
		set, err := decodeMapping(resolve(item), &e, "keys: base-url, api-key, api-key-file, concurrency, model")
		sv := wiring.Server{BaseURL: strings.TrimSpace(e.BaseURL), APIKey: strings.TrimSpace(e.APIKey), Model: strings.TrimSpace(e.Model), Slots: e.Concurrency}
		switch {
		case err != nil:
		case set["concurrency"] && (e.Concurrency < 1 || e.Concurrency > maxSlots):
			err = fmt.Errorf("concurrency %d: give the requests it serves at once, 1 to %d", e.Concurrency, maxSlots)
		case sv.BaseURL == "":
			err = fmt.Errorf("no base-url")
		case e.APIKeyFile != "":
			if sv.APIKey, err = readKey(strings.TrimSpace(e.APIKeyFile)); err != nil {
				err = fmt.Errorf("api-key-file %v", err)
			}
		}
		if err == nil {
			_, err = llm.ParseBaseURL(sv.BaseURL)
		}
		if err != nil {
			return fmt.Errorf("server %d: %v", i+1, err)
		}
		*out = append(*out, sv)
	}
	return nil
}
