package cli

import (
	"fmt"
	"strings"

	"github.com/brief-news/brief/internal/iostreams"
	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/progress"
	"github.com/brief-news/brief/internal/wiring"
)

// maxServers bounds a run's endpoint list, and maxSlots one server's
// concurrency: beyond them a config value is a typo, not a plan.
const (
	maxServers = 64
	maxSlots   = 1024
)

// urlList is --base-url: every value (the flag given more than once, or
// comma-separated) is a server of the run; the first is the one of every
// command that talks to one server (check, models).
type urlList struct {
	all *[]string
	set bool
}

func newURLList(all *[]string, def string) *urlList {
	*all = []string{def}
	return &urlList{all: all}
}

func (u *urlList) String() string { return (*u.all)[0] }
func (u *urlList) Type() string   { return "url" }

func (u *urlList) Set(v string) error {
	if !u.set {
		*u.all = nil
		u.set = true
	}
	*u.all = append(*u.all, splitList(v)...)
	if len(*u.all) == 0 {
		return fmt.Errorf("empty URL")
	}
	if len(*u.all) > maxServers {
		return fmt.Errorf("more than %d servers", maxServers)
	}
	return nil
}

// splitList is a comma-separated value's items, trimmed, empty ones left
// out.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// servers are the run's endpoints when there are several: the config
// file's endpoints, else each --base-url (all sharing --api-key and
// --model); nil for the usual one server.
func (o *options) servers() ([]wiring.Server, error) {
	if len(o.Endpoints) > 0 {
		return o.Endpoints, nil
	}
	if len(o.BaseURLs) < 2 {
		return nil, nil
	}
	var out []wiring.Server
	for _, u := range o.BaseURLs {
		if _, err := llm.ParseBaseURL(u); err != nil {
			return nil, fmt.Errorf("check --base-url: %w", err)
		}
		out = append(out, wiring.Server{BaseURL: u, APIKey: o.APIKey})
	}
	return out, nil
}

// serverClients are the clients of every server of a run with several
// (first is the one of --base-url alone, returned when there is just one).
func (o *options) serverClients(first *llm.Client, io *iostreams.IOStreams) ([]*llm.Client, error) {
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
func sayServers(io *iostreams.IOStreams, o *options, pool *llm.Pool) {
	stats := pool.ServerStats()
	if !o.Verbose || len(stats) < 2 {
		return
	}
	for _, s := range stats {
		state := ""
		if s.Down {
			state = " (taken out)"
		}
		fmt.Fprintf(io.ErrOut, "brief: %s%s: %s, %s, %s\n", s.Endpoint, state, progress.Count(s.Stats.Requests, "request"),
			progress.Count(s.Stats.Completed, "answer"), progress.Count(s.Stats.Usage.Total(), "token"))
	}
}
