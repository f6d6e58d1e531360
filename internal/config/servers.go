package config

import (
	"fmt"
	"strings"

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
func (o *Options) servers() []wiring.Server {
	if len(o.Endpoints) > 0 || len(o.BaseURLs) < 2 {
		return o.Endpoints
	}
	var out []wiring.Server
	for _, u := range o.BaseURLs {
		out = append(out, wiring.Server{BaseURL: u, APIKey: o.APIKey})
	}
	return out
}
