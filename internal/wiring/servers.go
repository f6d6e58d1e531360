package wiring

import (
	"cmp"
	"strings"

	"github.com/brief-news/brief/internal/cache"
	"github.com/brief-news/brief/internal/llm"
)

// Server is one endpoint of a run with several (--base-url given more than
// once, or endpoints in the config file). Its requests use Settings.Client
// for everything it does not set itself.
type Server struct {
	BaseURL string
	APIKey  string // "" = none (a server's key is its own)
	// Model is the name this server knows the run's model by (vLLM
	// "Qwen/Qwen2.5-7B-Instruct" for Ollama's "qwen2.5:7b"); "" = the
	// run's model. The cache keys by the run's model, so it must be the
	// same model.
	Model string
	// Slots is how many requests go to this server at once; 0 = the
	// run's Concurrency.
	Slots int
}

// servers are the run's endpoints: Settings.Servers, or the one of
// Settings.Client.
func (s Settings) servers() []Server {
	if len(s.Servers) > 0 {
		return s.Servers
	}
	return []Server{{BaseURL: s.Client.BaseURL, APIKey: s.Client.APIKey, Model: s.Client.Model, Slots: s.Concurrency}}
}

// Clients are a client per server of the run, in order, each with its own
// rate limits and Retry-After (brief check checks each).
func (s Settings) Clients() ([]*llm.Client, error) {
	var out []*llm.Client
	for _, sv := range s.servers() {
		// The run's client settings with the server's address, its own
		// key, and its name for the model.
		cfg := s.Client
		cfg.BaseURL, cfg.APIKey, cfg.Model = sv.BaseURL, sv.APIKey, cmp.Or(sv.Model, cfg.Model)
		c, err := llm.New(cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// newPool makes the pool that spreads requests over the run's clients.
func newPool(s Settings) (*llm.Pool, []serverCalibration, error) {
	clients, err := s.Clients()
	if err != nil {
		return nil, nil, err
	}
	var members []llm.Member
	var cals []serverCalibration
	for i, sv := range s.servers() {
		c := clients[i]
		// Kept under the run's model name, as the cache keys results.
		key := cache.Key("calibration/1", s.Client.Model, EndpointIdentity(sv.BaseURL), s.CacheTag)
		cals = append(cals, serverCalibration{key: key, cal: c.Calibration()})
		members = append(members, llm.Member{Client: c, Slots: cmp.Or(sv.Slots, s.Concurrency)})
	}
	return llm.NewPool(members, s.Client.Logf), cals, nil
}

// endpointIdentity is what the manifest shows as the endpoint: the one
// server, or the servers separated by spaces.
func (s Settings) endpointIdentity() string {
	var ids []string
	for _, sv := range s.servers() {
		ids = append(ids, EndpointIdentity(sv.BaseURL))
	}
	return strings.Join(ids, " ")
}

// TotalSlots is the servers' slots together: how many articles a run with
// several servers keeps in flight to keep them all busy.
func (s Settings) TotalSlots() int {
	n := 0
	for _, sv := range s.servers() {
		n += cmp.Or(sv.Slots, s.Concurrency)
	}
	return n
}
