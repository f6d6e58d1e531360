package lang

import (
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	for code, want := range map[string]string{
		"en":    "English",
		"da":    "Danish",
		"DE":    "German",
		"pt-BR": "Brazilian Portuguese",
		"en_GB": "British English",
		"nb":    "Norwegian Bokmål",
		"fo":    "Faroese",
		"xx":    "xx",
		"xx-YY": "xx-YY",
		"!!":    "!!",
	} {
		if got := Name(code); got != want {
			t.Errorf("Name(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestScriptOfFollowsTheBaseLanguage(t *testing.T) {
	for code, want := range map[string]Script{
		"en": ScriptLatin, "pt-BR": ScriptLatin, "ru": ScriptCyrillic, "el": ScriptGreek,
		"ar": ScriptArabic, "he": ScriptHebrew, "zh_TW": ScriptCJK, "ja": ScriptCJK, "xx": ScriptUnknown,
	} {
		if got := ScriptOf(code); got != want {
			t.Errorf("ScriptOf(%q) = %v, want %v", code, got, want)
		}
	}
	if !ScriptCyrillic.Contains('Ж') || ScriptCyrillic.Contains('Z') || !ScriptUnknown.Contains('Z') {
		t.Error("Script.Contains does not follow the writing system")
	}
}

func TestDanishDistinctWordsDependOnTheTarget(t *testing.T) {
	if list, letters := DanishDistinctWords("sv"); list["og"] != true || letters {
		t.Errorf("against Swedish: og in list = %v, letters = %v", list["og"], letters)
	}
	if list, letters := DanishDistinctWords("nb-NO"); list["og"] || letters {
		t.Errorf("against Norwegian: og in list = %v (Norwegian writes og too), letters = %v", list["og"], letters)
	}
	if list, letters := DanishDistinctWords("en"); !list["ikke"] || !letters {
		t.Errorf("against English: ikke in list = %v, letters = %v", list["ikke"], letters)
	}
}

// A code that names no language a model knows is refused: a name, an
// unknown code, undetermined (und) and private use (qaa-qtz, x-...).
func TestParseRefusesCodesThatNameNoLanguage(t *testing.T) {
	for _, code := range []string{"english", "xx", "und", "UND", "qaa", "qtz", "x-foo", "und-DK", ""} {
		if got, err := Parse(code); err == nil || !strings.Contains(err.Error(), "is not a language code") {
			t.Errorf("Parse(%q) = %q, %v: want it refused", code, got, err)
		}
	}
	for code, want := range map[string]string{"en": "en", "en_GB": "en-GB", "da": "da", "pt-br": "pt-BR"} {
		if got, err := Parse(code); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v: want %q", code, got, err, want)
		}
	}
}

func TestLengthRatioIsShorterForCJK(t *testing.T) {
	for code, want := range map[string]float64{"zh-TW": 0.35, "ja": 0.5, "ko": 0.45, "en": 1, "xx": 1} {
		if got := LengthRatio(code); got != want {
			t.Errorf("LengthRatio(%q) = %g, want %g", code, got, want)
		}
	}
}
