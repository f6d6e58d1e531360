package script

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/brief-news/brief/internal/testkit/llmtest"
)

type serversKey struct{}

// servers are a script's further model endpoints, for runs over several
// servers; `server ...` commands steer them.
type servers struct {
	mu sync.Mutex
	m  map[string]*llmtest.Server
}

func (s *servers) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, srv := range s.m {
		srv.Close()
	}
}

// cmdServer steers further fake endpoints (llmtest's Default answers):
//
//	server start VAR [models=a,b] [latency=D]   start one; $VAR is its base URL
//	server count VAR N|>=N                      assert N (at least N) chat requests reached it
//	server stop VAR                             close it (a server that went down)
func cmdServer(ts *testscript.TestScript, neg bool, args []string) {
	s := ts.Value(serversKey{}).(*servers)
	if len(args) < 2 {
		ts.Fatalf("usage: server start|count|stop VAR ...")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := args[1]
	switch args[0] {
	case "start":
		var cfg llmtest.Config
		for _, a := range args[2:] {
			k, v, _ := strings.Cut(a, "=")
			switch k {
			case "models":
				cfg.Models = strings.Split(v, ",")
			case "latency":
				d, err := time.ParseDuration(v)
				ts.Check(err)
				cfg.Latency = d
			default:
				ts.Fatalf("server start: unknown setting %q", a)
			}
		}
		srv := llmtest.NewServer(cfg)
		s.m[name] = srv
		ts.Setenv(name, srv.URL())
	case "count":
		srv := s.m[name]
		if srv == nil || len(args) != 3 {
			ts.Fatalf("usage: server count VAR N (after server start VAR)")
		}
		got := srv.Count()
		want, atLeast := strings.CutPrefix(args[2], ">=")
		n, err := strconv.Atoi(want)
		ts.Check(err)
		ok := got == n || (atLeast && got >= n)
		if ok == neg {
			ts.Fatalf("server %s: %d chat requests, want %s", name, got, args[2])
		}
	case "stop":
		if srv := s.m[name]; srv != nil {
			srv.Close()
		}
	default:
		ts.Fatalf("server: unknown command %q", args[0])
	}
}

// cmdBatchEngine is an offline batch engine stand-in (`vllm run-batch -i IN
// -o OUT`): it answers every request line of IN as the fake endpoint would
// (llmtest.Default) and writes the result lines to OUT. `batchengine IN OUT
// fail=MATCH` answers requests whose user message contains MATCH with an
// HTTP 500 line instead.
func cmdBatchEngine(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: batchengine IN OUT [fail=MATCH]")
	}
	h := llmtest.Handler(llmtest.Default)
	if len(args) > 2 {
		match, _ := strings.CutPrefix(args[2], "fail=")
		h = func(req llmtest.ChatRequest) llmtest.Reply {
			if _, user := llmtest.Messages(req); strings.Contains(user, match) {
				return llmtest.Error(500, "server_error", "", "the engine failed this request")
			}
			return llmtest.Default(req)
		}
	}
	in, err := os.Open(ts.MkAbs(args[0]))
	ts.Check(err)
	defer in.Close()
	out, err := os.Create(ts.MkAbs(args[1]))
	ts.Check(err)
	defer out.Close()
	ts.Check(llmtest.AnswerBatch(in, out, h))
}

// cmdBatchAPI steers the fake endpoint's Batch API:
//
//	batchapi set [perpoll=N] [expireafter=N] [stuck] [trickle=D]
//	                                           how batches created from now on run (stuck:
//	                                           never finish; trickle: files sent a byte each D)
//	batchapi extra FILE                        output files also carry FILE's lines (a hostile Batch API)
//	batchapi count N                           assert N batches were created
func cmdBatchAPI(ts *testscript.TestScript, neg bool, args []string) {
	f := ts.Value(fakeKey{}).(*fake)
	if len(args) == 0 {
		ts.Fatalf("usage: batchapi set|count ...")
	}
	switch args[0] {
	case "set":
		var b llmtest.BatchAPI
		for _, a := range args[1:] {
			k, v, _ := strings.Cut(a, "=")
			n, _ := strconv.Atoi(v)
			switch k {
			case "perpoll":
				b.PerPoll = n
			case "expireafter":
				b.ExpireAfter = n
			case "stuck":
				b.Stuck = true
			case "trickle":
				d, err := time.ParseDuration(v)
				ts.Check(err)
				b.Trickle = d
			default:
				ts.Fatalf("batchapi set: unknown setting %q", a)
			}
		}
		f.srv.SetBatchAPI(b)
	case "extra":
		// batchapi extra FILE: every output file also carries FILE's lines
		b := f.srv.BatchAPIConfig()
		b.ExtraOutput = []byte(ts.ReadFile(args[1]))
		f.srv.SetBatchAPI(b)
	case "count":
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		got := len(f.srv.Batches())
		if (got == n) == neg {
			ts.Fatalf("%d batches created, want %d", got, n)
		}
	default:
		ts.Fatalf("batchapi: unknown command %q", args[0])
	}
}
