package script

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	openai "github.com/sashabaranov/go-openai"

	"github.com/brief-news/brief/internal/testkit/llmtest"
)

type fakeKey struct{}

// fake is the script's model endpoint; `fake ...` commands steer it.
type fake struct {
	mu     sync.Mutex
	srv    *llmtest.Server
	faults []fault
	// danish: translations come back still in Danish
	// (llmtest.Untranslated, "EN: " + the source), which brief must refuse,
	// instead of Default's English, which QA accepts.
	danish bool
	// redirector, when started, is the endpoint brief is pointed at; it
	// redirects every request to srv.
	redirector *llmtest.Server
	// mark is how many requests the fake had at the last `fake mark`:
	// `fake translated` looks at those after it.
	mark int
}

// fault makes requests whose user message contains match fail with status
// (times < 0: always).
type fault struct {
	stage, match string
	status       int
	times        int
	answer       string // with status 200: answer this text
	reply        *llmtest.Reply
}

func (f *fake) start(setenv func(k, v string), cfg llmtest.Config) {
	f.close()
	cfg.Handler = f.handle
	f.srv = llmtest.NewServer(cfg)
	setenv("OPENAI_BASE_URL", f.srv.URL())
	// host:port alone, as OLLAMA_HOST is written
	setenv("FAKE_HOST", strings.TrimSuffix(strings.TrimPrefix(f.srv.URL(), "http://"), "/v1"))
}

func (f *fake) close() {
	if f.srv != nil {
		f.srv.Close()
	}
	if f.redirector != nil {
		f.redirector.Close()
	}
}

func (f *fake) handle(req openai.ChatCompletionRequest) llmtest.Reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, user := llmtest.Messages(req)
	for i := range f.faults {
		ft := &f.faults[i]
		if ft.times == 0 || (ft.stage != "any" && ft.stage != llmtest.Stage(req)) || !strings.Contains(user, ft.match) {
			continue
		}
		if ft.times > 0 {
			ft.times--
		}
		if ft.reply != nil {
			return *ft.reply
		}
		switch ft.status {
		case 200:
			return llmtest.Text(ft.answer)
		case -1:
			return llmtest.Reply{Hang: true}
		case -2:
			return llmtest.Reply{Content: "EN: cut", Cut: true}
		case 429:
			return llmtest.RateLimited("0")
		case 0:
			return llmtest.Reply{Reset: true}
		default:
			return llmtest.Error(ft.status, "server_error", "", fmt.Sprintf("scripted failure %d", ft.status))
		}
	}
	if f.danish {
		return llmtest.Untranslated(req)
	}
	return llmtest.Default(req)
}

// cmdFake steers the fake endpoint:
//
//	fake start [key=K] [models=a,b] [nomodels] [mode=M window=N slots=N]   restart it with these settings
//	fake fail STAGE MATCH STATUS [TIMES]         fail requests (STAGE translate|summarize|digest|any;
//	                                             STATUS 0 = connection reset, -1 = hang, -2 = stream cut)
//	fake failmsg STAGE MATCH STATUS MESSAGE      always fail them with the server's error MESSAGE (Go escapes)
//	fake answer STAGE MATCH TEXT                 answer requests of STAGE containing MATCH with TEXT
//	fake model STAGE NAME                        assert every request of STAGE asked for model NAME
//	fake answerfile STAGE MATCH FILE             the same with the text of FILE (several paragraphs)
//	fake clear                                   drop every fault and answer (and danish)
//	fake danish                                  answer translations still in Danish (llmtest.Untranslated)
//	fake flood STAGE MATCH endless|line|BYTES    answer with an endless stream, an endless SSE line, or BYTES of text
//	fake redirect STATUS [tls]                   point OPENAI_BASE_URL at a server (https with tls, its
//	                                             certificate in SSL_CERT_FILE) that redirects everything to the fake
//	fake hits N                                  assert the fake got N HTTP requests of any kind
//	fake keyseen TEXT                            assert some request's Authorization header held TEXT
//	fake count STAGE N|>=N                       assert N (at least N) chat requests of STAGE (any = all) were made
//	fake sent STAGE USERMATCH REGEXP             assert the prompt (system + user) of such a request matched
//	fake maxinflight N                           assert never more than N requests were in flight
//	fake inflight N                              wait until N requests are in flight at once (brief is
//	                                             running, its signal handler set: the moment to send one)
//	fake models N                                assert N GET /models calls
//	fake cut N                                   assert N chat requests were cut by the server's window
//	fake refused N                               assert N chat requests got an HTTP error
//
// fake start also takes mode=ollama|vllm|llama.cpp|lmstudio|lying, window=TOKENS,
// announce=TOKENS (the window it claims, when it lies), version=TEXT (what the
// server says it is; Go escapes) and slots=N: the fake
// then behaves like that server (llmtest.ModeConfig).
//
//	fake mark                                    fake translated looks only at requests after this
//	fake translated TEXT [ALSO]                  a translate request had TEXT (and ALSO) in its <article>
//	fake url VAR HOST                            set $VAR to the fake's base URL reached through HOST (e.g. localhost)
func cmdFake(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: fake start|fail|count|maxinflight|models ...")
	}
	c := fakeCmd{ts: ts, neg: neg, f: ts.Value(fakeKey{}).(*fake)}
	switch args[0] {
	case "start":
		c.start(args)
	case "fail", "failmsg", "answer", "answerfile", "flood":
		c.fault(args)
	case "redirect", "clear", "danish", "mark", "url":
		c.steer(args)
	case "model", "keyseen", "sent", "translated", "inflight":
		c.checkRequests(args)
	default:
		c.checkCounts(args)
	}
}

// fakeCmd is one `fake` command line of a script (neg: after !).
type fakeCmd struct {
	ts  *testscript.TestScript
	neg bool
	f   *fake
}

func (c fakeCmd) atoi(s string) int {
	n, err := strconv.Atoi(s)
	c.ts.Check(err)
	return n
}

// check fails the script unless ok (with !: when ok).
func (c fakeCmd) check(ok bool, format string, a ...any) {
	if ok == c.neg {
		if c.neg {
			c.ts.Fatalf("unexpectedly true: "+format, a...)
		}
		c.ts.Fatalf(format, a...)
	}
}

// start restarts the fake with the settings of `fake start`.
func (c fakeCmd) start(args []string) {
	ts, f, atoi := c.ts, c.f, c.atoi
	var cfg llmtest.Config
	mode, window, announce := "", 0, 0
	for _, a := range args[1:] {
		k, v, _ := strings.Cut(a, "=")
		switch k {
		case "mode":
			mode = v
		case "window":
			window = atoi(v)
		case "announce": // the window the server claims (after mode=)
			announce = atoi(v)
		case "slots":
			cfg.Slots = atoi(v)
		case "key":
			cfg.APIKey = v
		case "version": // Go escapes allowed: a hostile server's text
			u, err := strconv.Unquote(`"` + v + `"`)
			ts.Check(err)
			cfg.Version = u
		case "models":
			cfg.Models = strings.Split(v, ",")
		case "nomodels":
			cfg.NoModelsEndpoint = true
		case "latency":
			d, err := time.ParseDuration(v)
			ts.Check(err)
			cfg.Latency = d
		case "tpb": // the server's tokens per byte (1: byte fallback)
			f, err := strconv.ParseFloat(v, 64)
			ts.Check(err)
			cfg.TokensPerByte = f
		default:
			ts.Fatalf("fake start: unknown setting %q", a)
		}
	}
	mc, err := llmtest.ModeConfig(mode, window)
	ts.Check(err)
	cfg.Kind, cfg.Window, cfg.AnnouncedWindow = mc.Kind, mc.Window, cmp.Or(announce, mc.AnnouncedWindow)
	f.start(ts.Setenv, cfg)
}

// fault adds a fault or a scripted answer.
func (c fakeCmd) fault(args []string) {
	ts, f, atoi := c.ts, c.f, c.atoi
	switch args[0] {
	case "fail":
		if len(args) < 4 {
			ts.Fatalf("usage: fake fail STAGE MATCH STATUS [TIMES]")
		}
		times := -1
		if len(args) > 4 {
			times = atoi(args[4])
		}
		f.mu.Lock()
		f.faults = append(f.faults, fault{stage: args[1], match: args[2], status: atoi(args[3]), times: times})
		f.mu.Unlock()
	case "failmsg":
		// fake failmsg STAGE MATCH STATUS MESSAGE: always fail with the
		// server's error MESSAGE (Go escapes allowed, as a hostile server's).
		if len(args) != 5 {
			ts.Fatalf("usage: fake failmsg STAGE MATCH STATUS MESSAGE")
		}
		msg, err := strconv.Unquote(`"` + args[4] + `"`)
		ts.Check(err)
		r := llmtest.Error(atoi(args[3]), "server_error", "", msg)
		f.mu.Lock()
		f.faults = append(f.faults, fault{stage: args[1], match: args[2], times: -1, reply: &r})
		f.mu.Unlock()
	case "answer":
		if len(args) < 4 {
			ts.Fatalf("usage: fake answer STAGE MATCH TEXT")
		}
		f.mu.Lock()
		f.faults = append(f.faults, fault{stage: args[1], match: args[2], status: 200, times: -1, answer: strings.Join(args[3:], " ")})
		f.mu.Unlock()
	case "answerfile":
		if len(args) != 4 {
			ts.Fatalf("usage: fake answerfile STAGE MATCH FILE")
		}
		text := ts.ReadFile(args[3])
		f.mu.Lock()
		f.faults = append(f.faults, fault{stage: args[1], match: args[2], status: 200, times: -1, answer: text})
		f.mu.Unlock()
	case "flood":
		if len(args) != 4 {
			ts.Fatalf("usage: fake flood STAGE MATCH endless|line|BYTES")
		}
		r := llmtest.Reply{Content: "EN: ", Flood: -1}
		switch args[3] {
		case "endless":
		case "line":
			r.FloodLine = true
		default:
			r.Flood = int64(atoi(args[3]))
		}
		f.mu.Lock()
		f.faults = append(f.faults, fault{stage: args[1], match: args[2], times: -1, reply: &r})
		f.mu.Unlock()
	}
}

// steer changes how the fake answers from now on.
func (c fakeCmd) steer(args []string) {
	ts, f, atoi := c.ts, c.f, c.atoi
	switch args[0] {
	case "redirect":
		if len(args) < 2 {
			ts.Fatalf("usage: fake redirect STATUS [tls]")
		}
		cfg := llmtest.Config{Redirect: f.srv.Root(), RedirectStatus: atoi(args[1]), TLS: len(args) > 2 && args[2] == "tls"}
		if f.redirector != nil {
			f.redirector.Close()
		}
		f.redirector = llmtest.NewServer(cfg)
		if cfg.TLS {
			cert := ts.MkAbs("redirector.pem")
			ts.Check(f.redirector.WriteCert(cert))
			ts.Setenv("SSL_CERT_FILE", cert)
		}
		ts.Setenv("OPENAI_BASE_URL", f.redirector.URL())
	case "clear":
		f.mu.Lock()
		f.faults, f.danish = nil, false
		f.mu.Unlock()
	case "danish":
		f.mu.Lock()
		f.danish = true
		f.mu.Unlock()
	case "mark":
		f.mark = len(f.srv.Requests())
	case "url":
		if len(args) != 3 {
			ts.Fatalf("usage: fake url VAR HOST")
		}
		u, err := url.Parse(f.srv.URL())
		ts.Check(err)
		u.Host = args[2] + ":" + u.Port()
		ts.Setenv(args[1], u.String())
	}
}

// checkRequests asserts what the requests the fake got asked for.
func (c fakeCmd) checkRequests(args []string) {
	ts, f, atoi, check := c.ts, c.f, c.atoi, c.check
	switch args[0] {
	case "model":
		// fake model STAGE NAME: every request of STAGE (at least one)
		// asked for model NAME.
		if len(args) != 3 {
			ts.Fatalf("usage: fake model STAGE NAME")
		}
		n := 0
		for _, r := range f.srv.Requests() {
			if r.Stage == args[1] {
				n++
				check(r.Model == args[2], "a %s request asked for model %q, want %q", args[1], r.Model, args[2])
			}
		}
		check(n > 0, "no %s request", args[1])
	case "keyseen":
		// fake keyseen TEXT: some request's Authorization header held TEXT
		// (with !: none did)
		seen := false
		for _, a := range f.srv.Authorizations() {
			seen = seen || strings.Contains(a, args[1])
		}
		check(seen, "no request carried %q in its Authorization header", args[1])
	case "sent":
		// fake sent STAGE USERMATCH REGEXP: some request of STAGE whose
		// user message contains USERMATCH had a prompt (system prompt, a
		// newline, user message) matching REGEXP (with !: none did).
		if len(args) != 4 {
			ts.Fatalf("usage: fake sent STAGE USERMATCH REGEXP")
		}
		re, err := regexp.Compile(args[3])
		ts.Check(err)
		found, seen := false, false
		for _, r := range f.srv.Requests() {
			if (args[1] == "any" || r.Stage == args[1]) && strings.Contains(r.User, args[2]) {
				seen = true
				found = found || re.MatchString(r.System+"\n"+r.User)
			}
		}
		if !seen {
			ts.Fatalf("no %s request contained %q", args[1], args[2])
		}
		check(found, "%s requests containing %q: prompt matching %q", args[1], args[2], args[3])
	case "inflight":
		// An event, not a time: on a loaded machine brief may take
		// seconds to start. The bound only turns a hang into a failure.
		want := atoi(args[1])
		for deadline := time.Now().Add(2 * time.Minute); f.srv.InFlight() < want; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				ts.Fatalf("%d requests in flight after 2 minutes, want %d", f.srv.InFlight(), want)
			}
		}
	case "translated":
		// fake translated TEXT [ALSO]: a translate request since the last
		// `fake mark` asked for TEXT (and ALSO) to be translated: between
		// <article> and </article>, context and references aside.
		found := false
		for _, r := range f.srv.Requests()[f.mark:] {
			text := llmtest.Between(r.User, "<article>", "</article>")
			found = found || r.Stage == "translate" && strings.Contains(text, args[1]) && (len(args) < 3 || strings.Contains(text, args[2]))
		}
		check(found, "no translate request asked for %q to be translated (with %q)", args[1], args[2:])
	}
}

// checkCounts asserts how many requests of a kind the fake got.
func (c fakeCmd) checkCounts(args []string) {
	ts, f, atoi, check := c.ts, c.f, c.atoi, c.check
	switch args[0] {
	case "hits":
		got := f.srv.Hits()
		check(got == atoi(args[1]), "the fake got %d HTTP requests, want %s", got, args[1])
	case "count":
		n := 0
		for _, r := range f.srv.Requests() {
			if args[1] == "any" || r.Stage == args[1] {
				n++
			}
		}
		if want, ok := strings.CutPrefix(args[2], ">="); ok {
			check(n >= atoi(want), "%d %s requests, want at least %s", n, args[1], want)
			break
		}
		check(n == atoi(args[2]), "%d %s requests, want %s", n, args[1], args[2])
	case "maxinflight":
		got := f.srv.MaxInFlight()
		check(got <= atoi(args[1]), "%d requests were in flight at once, want at most %s", got, args[1])
	case "cut", "refused":
		// fake cut N: N chat requests had their prompt cut by the server's
		// window; fake refused N: N were answered with an HTTP error.
		n := 0
		for _, r := range f.srv.Requests() {
			if (args[0] == "cut" && r.CutTo > 0) || (args[0] == "refused" && r.Status >= 400) {
				n++
			}
		}
		check(n == atoi(args[1]), "%d requests %s, want %s", n, args[0], args[1])
	case "models":
		got := f.srv.ModelsCalls()
		check(got == atoi(args[1]), "%d GET /models calls, want %s", got, args[1])
	default:
		ts.Fatalf("fake: unknown command %q", args[0])
	}
}
