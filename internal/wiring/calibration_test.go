package wiring_test

import (
	"context"
	"strings"
	"testing"

	"github.com/brief-news/brief/internal/llm"
	"github.com/brief-news/brief/internal/testkit/llmtest"
	"github.com/brief-news/brief/internal/wiring"
)

// The ratio a run measured is kept with the cache, so the next run (and
// its dry run) plans with it before its first answer.
func TestCalibrationIsKeptWithTheCache(t *testing.T) {
	srv := llmtest.New(t, llmtest.WithConfig(llmtest.Config{TokensPerByte: 1}))
	s := wiring.Defaults()
	s.Client.BaseURL, s.Client.Model = srv.URL(), llmtest.Model
	s.CacheDir, s.Out = t.TempDir(), t.TempDir()

	first, err := wiring.New(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.OpenCache(); err != nil {
		t.Fatal(err)
	}
	user := strings.Repeat("Regeringen fremlægger i dag sit forslag til finansloven. ", 30)
	if _, err := first.Pool.Complete(context.Background(), llm.Request{Stage: "translate", System: "Oversæt.", User: user}); err != nil {
		t.Fatal(err)
	}
	if first.Pool.TokensPerByte() < 0.9 {
		t.Fatalf("the run measured %.2f tokens a byte; the server counts one", first.Pool.TokensPerByte())
	}

	next, err := wiring.New(s)
	if err != nil {
		t.Fatal(err)
	}
	if next.Pool.TokensPerByte() != 0 {
		t.Fatal("calibrated before the cache was opened")
	}
	if err := next.OpenCache(); err != nil {
		t.Fatal(err)
	}
	if got := next.Pool.TokensPerByte(); got != first.Pool.TokensPerByte() {
		t.Errorf("the next run starts at %.3f tokens a byte, want the %.3f measured", got, first.Pool.TokensPerByte())
	}
	if next.Config.Translator.TokensPerByte() < first.Pool.TokensPerByte() {
		t.Errorf("the translator plans with %.3f tokens a byte: the calibration does not reach it", next.Config.Translator.TokensPerByte())
	}

	dry, _ := wiring.New(s)
	dry.PeekCache()
	if got := dry.Pool.TokensPerByte(); got != first.Pool.TokensPerByte() {
		t.Errorf("a dry run estimates with %.3f tokens a byte, want the %.3f measured", got, first.Pool.TokensPerByte())
	}

	other := s
	other.Client.Model = "another-model"
	o, _ := wiring.New(other)
	if err := o.OpenCache(); err != nil {
		t.Fatal(err)
	}
	if o.Pool.TokensPerByte() != 0 {
		t.Error("another model started with this model's calibration")
	}
}
