package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLineRemovesWhatATerminalWouldObey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Borgmester går af", "Borgmester går af"},
		{"\x1b[2JRydder skærmen", "Rydder skærmen"},
		{"\x1b]0;ejet\x07Titel", "Titel"},
		{"ufærdig \x1b[", "ufærdig ["},
		{"a.txt\nbrief: 0 failed, all good", "a.txt brief: 0 failed, all good"},
		{"fil\u202Etxt.exe", "filtxt.exe"},
		{"\u2066skjult\u2069 og \u200bnul", "skjult og nul"},
		{"rå \x9b byte \xff", "rå \uFFFD byte \uFFFD"},
		{"c1 \u009b[2J", "c1 2J"},
		{"kolon\ttab\r\nslut", "kolon tab  slut"},
	} {
		if got := Line(tc.in); got != tc.want {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTextKeepsLinesButNotControls(t *testing.T) {
	if got := Text("første\n\x1b[31manden\u202E\r\ntredje"); got != "første\nanden\n\ntredje" {
		t.Errorf("Text = %q", got)
	}
}

func TestNameQuotesWhatIsNotPlain(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"nyheder/a.txt", "nyheder/a.txt"},
		{"min artikel.txt", `"min artikel.txt"`},
		{"a.txt\nbrief: 0 failed", `"a.txt\nbrief: 0 failed"`},
		{"\x1b[2J.txt", `"\x1b[2J.txt"`},
		{"fil\u202Etxt.exe", `"fil\u202etxt.exe"`},
		{"", `""`},
	} {
		if got := Name(tc.in); got != tc.want {
			t.Errorf("Name(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestClipCapsLength(t *testing.T) {
	long := strings.Repeat("ord ", 2_000_000) // a 8 MB headline
	got := Clip(long, 200)
	if n := utf8.RuneCountInString(got); n > 200 || !strings.HasSuffix(got, "…") {
		t.Fatalf("Clip gave %d characters ending %q", n, got[len(got)-8:])
	}
	if got := Clip("Kort overskrift", 200); got != "Kort overskrift" {
		t.Errorf("a short headline changed: %q", got)
	}
}

func FuzzLine(f *testing.F) {
	f.Add("\x1b[2J\u202e\n")
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Line(%q) is not UTF-8", s)
		}
		for _, r := range out {
			if r < ' ' || (r >= 0x7F && r <= 0x9F) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("Line(%q) = %q keeps %U", s, out, r)
			}
		}
	})
}

// A key echoed with something cleaning removes in its middle (or broken
// across lines) is found: cleaning comes first, and white space between
// a secret's characters does not hide it.
func TestRedactFindsTheKeyCleaningWouldRebuild(t *testing.T) {
	const key = "sk-live-7f3kQ9zX2mW8"
	for _, mid := range []string{"", "\u200b", "\u00ad", "\ufeff", "\x7f", "\x1b[0m", "\n", "\r\n", " \u2028"} {
		in := "Incorrect API key provided: sk-live-7f3k" + mid + "Q9zX2mW8. See docs."
		got := Redact(in, key)
		if strings.Contains(got, "7f3k") || strings.Contains(got, "Q9zX2mW8") || !strings.Contains(got, Redacted) {
			t.Errorf("Redact(%q) = %q", in, got)
		}
	}
	if got := Redact("key x shown", "x"); got != "key x shown" {
		t.Errorf("a placeholder key was redacted: %q", got)
	}
}

// Every kind of break: a Text keeps tabs and makes line breaks newlines; a
// Line makes them all spaces.
func TestBreaksInTextAndLine(t *testing.T) {
	in := "a\tb\vc\fd\u2028e\u2029f\u0085g\rh"
	if got := Text(in); got != "a\tbcd\ne\nf\ng\nh" {
		t.Errorf("Text = %q", got)
	}
	if got := Line(in); got != "a b c d e f g h" {
		t.Errorf("Line = %q", got)
	}
}
