package cli

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/wiring"
)

// maxServers bounds a run's endpoint list, and maxSlots one server's
// concurrency: beyond them a config value is a typo, not a plan.
const (
	maxServers = 64
	maxSlots   = 1024
)

// urlList is --base-url: the first value stays in baseURL for everything
// that talks to one server (check, models), and every value (the flag given
// more than once, or comma-separated) is a server of the run.
type urlList struct {
	first *string
	all   *[]string
	set   bool
}

func newURLList(first *string, all *[]string, def string) *urlList {
	*first, *all = def, []string{def}
	return &urlList{first: first, all: all}
}

func (u *urlList) String() string { return *u.first }
func (u *urlList) Type() string   { return "url" }

func (u *urlList) Set(v string) error {
	if !u.set {
		*u.all = nil
		u.set = true
	}
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*u.all = append(*u.all, p)
		}
	}
	if len(*u.all) == 0 {
		return fmt.Errorf("empty URL")
	}
	if len(*u.all) > maxServers {
		return fmt.Errorf("more than %d servers", maxServers)
	}
	*u.first = (*u.all)[0]
	return nil
}

// endpointList is the config file's `endpoints:` list: servers each with
// its own base-url, api-key (or api-key-file), concurrency and model. It is
// a hidden flag so the config layering can fill it; it is not meant to be
// typed on a command line.
type endpointList struct {
	servers *[]wiring.Server
}

func (e *endpointList) String() string { return "" }
func (e *endpointList) Type() string   { return "endpoints" }

func (e *endpointList) Set(string) error {
	return fmt.Errorf("endpoints is set in the config file, as a list (see the README); on the command line give --base-url once per server")
}

// setConfig takes the YAML list.
func (e *endpointList) setConfig(v any) error {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return fmt.Errorf("want a list of servers, each with base-url and optionally api-key, api-key-file, concurrency, model")
	}
	if len(list) > maxServers {
		return fmt.Errorf("%d servers: at most %d", len(list), maxServers)
	}
	var out []wiring.Server
	for i, item := range list {
		sv, err := parseEndpoint(item)
		if err != nil {
			return fmt.Errorf("server %d: %v", i+1, err)
		}
		out = append(out, sv)
	}
	*e.servers = out
	return nil
}

func parseEndpoint(item any) (wiring.Server, error) {
	var sv wiring.Server
	m, ok := item.(map[string]any)
	if !ok {
		return sv, fmt.Errorf("want base-url: URL and optionally api-key, api-key-file, concurrency, model")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		s, set, err := configText(&pflag.Flag{Value: scalarOnly{}}, v)
		if err != nil {
			return sv, fmt.Errorf("%s: %v", k, err)
		}
		if !set {
			continue // empty means unset, never the text "<nil>"
		}
		s = strings.TrimSpace(s)
		switch strings.ReplaceAll(k, "_", "-") {
		case "base-url":
			sv.BaseURL = s
		case "api-key":
			sv.APIKey = s
		case "api-key-file":
			key, err := readKey(s)
			if err != nil {
				return sv, err
			}
			sv.APIKey = key
		case "model":
			sv.Model = s
		case "concurrency":
			n, ok := v.(int)
			if !ok || n < 1 || n > maxSlots {
				return sv, fmt.Errorf("concurrency %q: give the requests it serves at once, 1 to %d", s, maxSlots)
			}
			sv.Slots = n
		default:
			return sv, fmt.Errorf("unknown key %q (keys: base-url, api-key, api-key-file, concurrency, model)", k)
		}
	}
	if sv.BaseURL == "" {
		return sv, fmt.Errorf("no base-url")
	}
	if _, err := llm.ParseBaseURL(sv.BaseURL); err != nil {
		return sv, err
	}
	return sv, nil
}

// readKey reads an endpoint's api-key-file the way --api-key-file is read.
func readKey(path string) (string, error) {
	o := endpointOptions{apiKeyFile: path}
	if err := o.readKeyFile(); err != nil {
		return "", fmt.Errorf("api-key-file: %v", err)
	}
	return o.apiKey, nil
}

// servers are the run's endpoints when there are several: the config
// file's endpoints, else each --base-url (all sharing --api-key and
// --model); nil for the usual one server.
func (o *endpointOptions) servers() ([]wiring.Server, error) {
	if len(o.endpoints) > 0 {
		return o.endpoints, nil
	}
	if len(o.baseURLs) < 2 {
		return nil, nil
	}
	var out []wiring.Server
	for _, u := range o.baseURLs {
		if _, err := llm.ParseBaseURL(u); err != nil {
			return nil, fmt.Errorf("check --base-url: %w", err)
		}
		out = append(out, wiring.Server{BaseURL: u, APIKey: o.apiKey})
	}
	return out, nil
}

// endpointsOverridden says whether the config file's endpoints give way:
// not when the command line or $OPENAI_BASE_URL names the server.
func endpointsOverridden(baseURLChanged bool) bool {
	return baseURLChanged || os.Getenv(envFor["base-url"]) != ""
}

// serverClients are the clients of every server of a run with several
// (first is the one of --base-url alone, returned when there is just one).
func (o *endpointOptions) serverClients(first *llm.Client, io *iostreams.IOStreams) ([]*llm.Client, error) {
	servers, err := o.servers()
	if err != nil || len(servers) == 0 {
		return []*llm.Client{first}, err
	}
	var out []*llm.Client
	for _, sv := range servers {
		c, err := llm.New(sv.ClientConfig(o.clientConfig(stderrLogf(io, ""))))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// sayServers gives each server's share of the run with -v, when there are
// several: who did the work, and which were taken out.
func sayServers(io *iostreams.IOStreams, o *runOptions, pool *llm.Pool) {
	stats := pool.ServerStats()
	if !o.verbose || len(stats) < 2 {
		return
	}
	for _, s := range stats {
		state := ""
		if s.Down {
			state = " (taken out)"
		}
		fmt.Fprintf(io.ErrOut, "brief: %s%s: %d requests, %d answers, %d tokens\n", s.Endpoint, state, s.Stats.Requests, s.Stats.Completed, s.Stats.Usage.Total())
	}
}
