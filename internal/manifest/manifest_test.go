package manifest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/manifest"
	"github.com/brief-news/brief/internal/tokens"
)

func sample() *manifest.Manifest {
	cost := 0.0125
	return &manifest.Manifest{
		Version:  1,
		Started:  time.Date(2024, 5, 3, 6, 0, 0, 0, time.UTC),
		Finished: time.Date(2024, 5, 3, 6, 4, 30, 0, time.UTC),
		Model:    "qwen2.5:7b",
		Endpoint: "http://localhost:11434/v1",
		From:     "da",
		Lang:     "en",
		Briefing: "briefing.md",
		Entries: []manifest.Entry{
			{Source: "in/elafgift.txt", ID: "elafgift", SHA256: "ab12", Output: "articles/elafgift.md",
				Status: manifest.StatusOK, Headline: "Government cuts electricity tax", Date: "2024-05-03",
				Warnings: []string{"paragraph count differs"},
				Usage:    tokens.Usage{PromptTokens: 900, CompletionTokens: 400}, Requests: 2, DurationMS: 5300},
			{Source: "in/faerge.txt", ID: "faerge", Status: manifest.StatusCached,
				Usage: tokens.Usage{PromptTokens: 10, CompletionTokens: 5, Estimated: true}, Requests: 0},
			{Source: "in/storm.txt", ID: "storm", Status: manifest.StatusFailed,
				Error: "the model answered in Danish: try a larger model", Requests: 3,
				Usage: tokens.Usage{PromptTokens: 300, CompletionTokens: 20}},
			{Source: "in/tom.txt", Status: manifest.StatusSkipped, Error: "empty file"},
			{Source: "in/sidste.txt", ID: "sidste", Status: manifest.StatusPending},
		},
		Totals: manifest.Totals{CostUSD: &cost},
	}
}

func TestWriteThenLoadRoundTrips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "manifest.json")
	m := sample()
	m.Totals.HTTPRequests, m.Totals.Retries, m.Totals.WallMS = 7, 1, 270000
	m.Tally()
	write(t, m, path)
	got, err := load(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip changed the manifest:\n got %+v\nwant %+v", got, m)
	}
	if got.Totals.CostUSD == nil || *got.Totals.CostUSD != 0.0125 {
		t.Errorf("cost lost: %v", got.Totals.CostUSD)
	}
}

func TestLoadMissingFileIsNothing(t *testing.T) {
	m, err := load(t, filepath.Join(t.TempDir(), "manifest.json"))
	if m != nil || err != nil {
		t.Fatalf("Load(missing) = %v, %v; want nil, nil (a first run)", m, err)
	}
}

func TestLoadCorruptFileIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(path, []byte(`{"version": 1, "entries": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := load(t, path)
	if err == nil {
		t.Fatalf("Load(corrupt) = %+v, nil; want an error", m)
	}
	for _, want := range []string{"manifest.json", "not written by brief"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestLoadOfAFolderIsAnError(t *testing.T) {
	// Only a missing file means "first run"; anything else unreadable must
	// stop the run rather than silently forget what failed last time.
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if m, err := load(t, path); err == nil {
		t.Fatalf("Load(folder) = %+v, nil; want an error", m)
	}
}

func TestTally(t *testing.T) {
	m := sample()
	// Set by the caller from the client and the clock, not from entries;
	// Tally keeps them.
	m.Totals.HTTPRequests, m.Totals.Retries, m.Totals.WallMS = 7, 1, 270000
	m.Tally()
	want := manifest.Totals{
		Inputs: 5, OK: 1, Cached: 1, Failed: 1, Skipped: 1, Pending: 1, Warned: 1,
		Usage:        tokens.Usage{PromptTokens: 1210, CompletionTokens: 425, Estimated: true},
		Requests:     5,
		HTTPRequests: 7, Retries: 1, WallMS: 270000,
		CostUSD: m.Totals.CostUSD, // set by the caller from prices
	}
	if !reflect.DeepEqual(m.Totals, want) {
		t.Errorf("Totals = %+v, want %+v", m.Totals, want)
	}

	// Tally recomputes rather than adds: a second call gives the same.
	m.Tally()
	if !reflect.DeepEqual(m.Totals, want) {
		t.Errorf("second Tally = %+v, want %+v", m.Totals, want)
	}

	// A re-run that turns a failure into ok is reflected.
	m.Entries[2].Status = manifest.StatusOK
	m.Tally()
	if m.Totals.OK != 2 || m.Totals.Failed != 0 {
		t.Errorf("after fixing one: ok=%d failed=%d, want 2 and 0", m.Totals.OK, m.Totals.Failed)
	}
}

// TestListsAreNeverNull: consumers (jq '.entries[] | .warnings[]', scripts)
// iterate these lists; null makes them fail.
func TestListsAreNeverNull(t *testing.T) {
	dir := t.TempDir()

	m := sample()
	m.Entries[1].Warnings = nil
	path := filepath.Join(dir, "manifest.json")
	write(t, m, path)
	raw := decode(t, path)
	for i, e := range raw["entries"].([]any) {
		w, ok := e.(map[string]any)["warnings"].([]any)
		if !ok {
			t.Errorf("entry %d: warnings = %v, want a list", i, e.(map[string]any)["warnings"])
		}
		if i == 0 && len(w) != 1 {
			t.Errorf("entry 0: warnings = %v, want the one warning", w)
		}
	}

	// A run with nothing to do (every input filtered out by --since).
	empty := &manifest.Manifest{Version: 1, Lang: "en"}
	empty.Tally()
	path = filepath.Join(dir, "empty.json")
	write(t, empty, path)
	if entries, ok := decode(t, path)["entries"].([]any); !ok || len(entries) != 0 {
		t.Errorf("entries = %v, want []", decode(t, path)["entries"])
	}
}

// write stores m as path through WriteIn, as a run does.
func write(t *testing.T, m *manifest.Manifest, path string) {
	t.Helper()
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if err := m.WriteIn(root, filepath.Base(path)); err != nil {
		t.Fatal(err)
	}
}

// load reads path through Load, as a run does.
func load(t *testing.T, path string) (*manifest.Manifest, error) {
	t.Helper()
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	return manifest.Load(root, filepath.Base(path))
}

func decode(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s is not JSON: %v", path, err)
	}
	return raw
}

func TestLoadRefusesAForeignManifest(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := manifest.Load(root, "manifest.json"); err != nil {
		t.Errorf("no manifest yet: %v", err)
	}
	m := &manifest.Manifest{Version: 1}
	if err := m.WriteIn(root, "manifest.json"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "manifest.json")); !strings.Contains(string(data), `"generator": "brief"`) {
		t.Errorf("brief's manifest does not name brief:\n%s", data)
	}
	if _, err := manifest.Load(root, "manifest.json"); err != nil {
		t.Errorf("brief's own manifest refused: %v", err)
	}
	for _, foreign := range []string{
		`{"name": "My web app", "icons": []}`,
		`{"generator": "webpack", "version": 1, "entries": [], "totals": {}}`,
		`{"version": 1, "entries": [], "totals": {}}`,
		`not json`,
	} {
		write(foreign)
		if _, err := manifest.Load(root, "manifest.json"); err == nil || !strings.Contains(err.Error(), "not written by brief") {
			t.Errorf("%s: err = %v", foreign, err)
		}
	}
	os.Remove(filepath.Join(dir, "manifest.json"))
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "manifest.json")); err == nil {
		if _, err := manifest.Load(root, "manifest.json"); err == nil {
			t.Error("a symlinked manifest.json was accepted")
		}
	}
}
