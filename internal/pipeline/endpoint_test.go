package pipeline

import "testing"

// The briefing names the host the model ran at: each server's, for a run
// over several, and never a path or the credentials' place in a URL.
func TestEndpointHostNamesEachServersHost(t *testing.T) {
	for in, want := range map[string]string{
		"http://localhost:11434/v1":                       "localhost:11434",
		"http://gpu1:8000/v1 https://api.example.com/v1/": "gpu1:8000, api.example.com",
		"localhost:8080/v1":                               "localhost:8080",
		"":                                                "",
	} {
		if got := endpointHost(in); got != want {
			t.Errorf("endpointHost(%q) = %q, want %q", in, got, want)
		}
	}
}
