package llm

import "testing"

func TestEstimateTokensIsConservative(t *testing.T) {
	da := "Forhandlingerne om atomvåbnene er gået i stå, og udenrigsministeren vil mødes med sin kollega igen i næste måned for at få gang i dialogen."
	en := "The negotiations on the nuclear weapons have stalled, and the foreign minister will meet his counterpart again next month to restart the dialogue."
	// Typical tokenizers need about 3 characters a token for Danish and 4
	// for English; the estimate must not be below either.
	if e := EstimateTokens(da); e < len([]rune(da))/3 {
		t.Errorf("Danish: %d tokens for %d characters", e, len([]rune(da)))
	}
	if e := EstimateTokens(en); e < len(en)/4 {
		t.Errorf("English: %d tokens for %d characters", e, len(en))
	}
	// Danish costs more per character than English.
	perChar := func(s string) float64 { return float64(EstimateTokens(s)) / float64(len([]rune(s))) }
	if perChar(da) <= perChar(en) {
		t.Errorf("Danish %.3f ≤ English %.3f tokens per character", perChar(da), perChar(en))
	}
	// Digits are a token each.
	if e := EstimateTokens("1234567890"); e < 10 {
		t.Errorf("digits: %d", e)
	}
	if EstimateTokens("") != 0 || EstimateTokens("a") != 1 {
		t.Error("empty/one-letter estimates")
	}
}
