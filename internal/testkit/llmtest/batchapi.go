package llmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// BatchAPI configures the fake's Batch API (POST /v1/files, POST
// /v1/batches, GET /v1/batches/{id}, GET /v1/files/{id}/content): a batch
// answers its lines with the server's Handler, a few per poll.
type BatchAPI struct {
	// PerPoll is how many lines a batch answers each time it is retrieved
	// (0: all at the first retrieval).
	PerPoll int
	// ExpireAfter, when > 0, makes a batch expire once it has answered
	// that many lines: its output file holds those, the rest are not done.
	ExpireAfter int
	// ExtraOutput is appended to every output file, as a hostile or buggy
	// Batch API might: result lines for requests the batch never held.
	ExtraOutput []byte
	// Stuck keeps every batch in_progress, answering nothing.
	Stuck bool
	// Trickle, when > 0, sends a file's content one byte each Trickle (a
	// download that never quite stalls).
	Trickle time.Duration
}

type fakeFile struct {
	data []byte
}

type fakeBatch struct {
	id, input, output, errors string
	status                    string
	lines                     []BatchRequestLine
	done                      int
	out, errs                 bytes.Buffer
	completed, failed         int
}

type batchStore struct {
	mu      sync.Mutex
	files   map[string]*fakeFile
	batches map[string]*fakeBatch
	order   []string
	n       int // files made
}

func (s *Server) registerBatchAPI(mux *http.ServeMux) {
	s.batch = &batchStore{files: map[string]*fakeFile{}, batches: map[string]*fakeBatch{}}
	mux.HandleFunc("POST /v1/files", s.uploadFile)
	mux.HandleFunc("GET /v1/files/{id}/content", s.fileContent)
	mux.HandleFunc("POST /v1/batches", s.createBatch)
	mux.HandleFunc("GET /v1/batches/{id}", s.retrieveBatch)
	mux.HandleFunc("GET /v1/batches", s.listBatches)
}

// listBatches lists every batch, newest first, on one page.
func (s *Server) listBatches(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	b := s.batch
	b.mu.Lock()
	defer b.mu.Unlock()
	data := []any{}
	for i := len(b.order) - 1; i >= 0; i-- {
		data = append(data, b.batches[b.order[i]].json())
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data, "has_more": false})
}

// Batches is the ids of the batches created so far, in order.
func (s *Server) Batches() []string {
	s.batch.mu.Lock()
	defer s.batch.mu.Unlock()
	return append([]string(nil), s.batch.order...)
}

// BatchAPIConfig is how batches created from now on behave.
func (s *Server) BatchAPIConfig() BatchAPI {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.Batch
}

// SetBatchAPI changes how batches created from now on behave.
func (s *Server) SetBatchAPI(b BatchAPI) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.Batch = b
}

func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	if err := r.ParseMultipartForm(64 << 20); err != nil || r.FormValue("purpose") != "batch" {
		Error(http.StatusBadRequest, "invalid_request_error", "", fmt.Sprintf("want a multipart upload with purpose batch: %v", err)).writeStatus(w)
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		Error(http.StatusBadRequest, "invalid_request_error", "", "no file").writeStatus(w)
		return
	}
	data, _ := io.ReadAll(f)
	if _, err := ReadBatchRequests(bytes.NewReader(data)); err != nil {
		Error(http.StatusBadRequest, "invalid_request_error", "", "not a batch input file: "+err.Error()).writeStatus(w)
		return
	}
	b := s.batch
	b.mu.Lock()
	b.n++
	id := fmt.Sprintf("file-%d", b.n)
	b.files[id] = &fakeFile{data: data}
	b.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "object": "file", "bytes": len(data), "purpose": "batch", "filename": "input.jsonl", "created_at": time.Now().Unix()})
}

func (s *Server) fileContent(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	b := s.batch
	b.mu.Lock()
	f := b.files[r.PathValue("id")]
	b.mu.Unlock()
	if f == nil {
		Error(http.StatusNotFound, "invalid_request_error", "", "no such file").writeStatus(w)
		return
	}
	s.mu.Lock()
	trickle := s.cfg.Batch.Trickle
	s.mu.Unlock()
	if trickle <= 0 {
		writeRaw(w, http.StatusOK, "application/jsonl", f.data)
		return
	}
	w.Header().Set("Content-Type", "application/jsonl")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	t := time.NewTicker(trickle)
	defer t.Stop()
	for i := range f.data {
		if _, err := w.Write(f.data[i : i+1]); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}

func (s *Server) createBatch(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	var req struct {
		InputFileID      string `json:"input_file_id"`
		Endpoint         string `json:"endpoint"`
		CompletionWindow string `json:"completion_window"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Endpoint != "/v1/chat/completions" || req.CompletionWindow != "24h" {
		Error(http.StatusBadRequest, "invalid_request_error", "", fmt.Sprintf("want input_file_id, endpoint /v1/chat/completions, completion_window 24h: %v", err)).writeStatus(w)
		return
	}
	b := s.batch
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.files[req.InputFileID]
	if f == nil {
		Error(http.StatusNotFound, "invalid_request_error", "", "no such input file").writeStatus(w)
		return
	}
	lines, _ := ReadBatchRequests(bytes.NewReader(f.data))
	fb := &fakeBatch{id: fmt.Sprintf("batch_%d", len(b.order)+1), input: req.InputFileID, status: "in_progress", lines: lines}
	b.batches[fb.id] = fb
	b.order = append(b.order, fb.id)
	writeJSON(w, http.StatusOK, fb.json())
}

func (s *Server) retrieveBatch(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	s.mu.Lock()
	cfg, h := s.cfg.Batch, s.handler
	s.mu.Unlock()
	b := s.batch
	b.mu.Lock()
	defer b.mu.Unlock()
	fb := b.batches[r.PathValue("id")]
	if fb == nil {
		Error(http.StatusNotFound, "invalid_request_error", "", "no such batch").writeStatus(w)
		return
	}
	if fb.status == "in_progress" && !cfg.Stuck {
		b.advance(fb, cfg, h)
	}
	writeJSON(w, http.StatusOK, fb.json())
}

// advance answers the next lines of fb and finishes it when all are done
// (or it expires).
func (b *batchStore) advance(fb *fakeBatch, cfg BatchAPI, h Handler) {
	n := cfg.PerPoll
	if n <= 0 {
		n = len(fb.lines)
	}
	for ; n > 0 && fb.done < len(fb.lines); n-- {
		if cfg.ExpireAfter > 0 && fb.done >= cfg.ExpireAfter {
			break
		}
		l := fb.lines[fb.done]
		rep := h(l.Body)
		if rep.status() != http.StatusOK {
			fb.errs.Write(append(BatchErrorLine(l.CustomID, "server_error", strings.TrimSpace(rep.Body)), '\n'))
			fb.failed++
		} else {
			fb.out.Write(append(BatchResultLine(l, func(ChatRequest) Reply { return rep }), '\n'))
			fb.completed++
		}
		fb.done++
	}
	expired := cfg.ExpireAfter > 0 && fb.done >= cfg.ExpireAfter && fb.done < len(fb.lines)
	if fb.done < len(fb.lines) && !expired {
		return
	}
	fb.status = "completed"
	if expired {
		fb.status = "expired"
	}
	b.n++
	fb.output = fmt.Sprintf("file-%d", b.n)
	b.files[fb.output] = &fakeFile{data: append(append([]byte(nil), fb.out.Bytes()...), cfg.ExtraOutput...)}
	if fb.errs.Len() > 0 {
		b.n++
		fb.errors = fmt.Sprintf("file-%d", b.n)
		b.files[fb.errors] = &fakeFile{data: append([]byte(nil), fb.errs.Bytes()...)}
	}
}

func (fb *fakeBatch) json() map[string]any {
	m := map[string]any{
		"id": fb.id, "object": "batch", "endpoint": "/v1/chat/completions", "input_file_id": fb.input,
		"completion_window": "24h", "status": fb.status, "created_at": time.Now().Unix(),
		"request_counts": map[string]int{"total": len(fb.lines), "completed": fb.completed, "failed": fb.failed},
	}
	if fb.output != "" {
		m["output_file_id"] = fb.output
	}
	if fb.errors != "" {
		m["error_file_id"] = fb.errors
	}
	return m
}
