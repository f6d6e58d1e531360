package llm

import "testing"

func TestDetectCut(t *testing.T) {
	est := func(likely int) PromptEstimate { return PromptEstimate{Low: likely * 3 / 5, Likely: likely} }
	ollama := func(window, announced, predicted int) cutView {
		return cutView{silent: true, window: window, announced: announced, predicted: predicted}
	}
	for _, tc := range []struct {
		name      string
		reported  int
		est       PromptEstimate
		v         cutView
		cut       bool
		to        int
		confirmed bool
	}{
		{"ollama fills its own window", 4096, est(1500), ollama(4096, 4096, 0), true, 4096, true},
		{"a few tokens under its own window", 4090, est(1500), ollama(4096, 4096, 0), true, 4096, true},
		{"a common size under the announced window: suspected", 2048, est(5300), ollama(8192, 8192, 0), true, 2048, false},
		{"the same, and the calibration agrees", 2048, est(5300), ollama(8192, 8192, 2400), true, 2048, true},
		{"the same, and the calibration says it was that long", 2048, est(5300), ollama(8192, 8192, 2100), true, 2048, false},
		{"far below the low estimate, any server", 900, est(5000), cutView{window: 32768}, true, 900, true},
		{"an honest count", 3800, est(4000), ollama(8192, 8192, 0), false, 0, false},
		{"a common size on a server of unknown kind", 2042, est(2728), cutView{window: 4096}, false, 0, false},
		{"a common size on a server that refuses", 2048, est(5000), cutView{refuses: true, window: 4096}, false, 0, false},
		{"far below the estimate on a server that refuses", 900, est(5000), cutView{refuses: true, window: 4096}, false, 0, false},
		{"more than the window is no cut", 9000, est(8000), ollama(8192, 8192, 0), false, 0, false},
		{"no usage", 0, est(5000), ollama(4096, 4096, 0), false, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cut, ok := detectCut(tc.reported, tc.est, tc.v)
			if ok != tc.cut || (ok && (cut.Window != tc.to || cut.Confirmed != tc.confirmed)) {
				t.Errorf("detectCut(%d, %+v, %+v) = %+v, %v; want cut %v to %d (confirmed %v)", tc.reported, tc.est, tc.v, cut, ok, tc.cut, tc.to, tc.confirmed)
			}
		})
	}
}
