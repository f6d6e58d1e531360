package qa

import (
	"slices"
	"testing"
)

// What an editor must check first comes first: a changed name and a lost
// paragraph before a paragraph the model split, text left in Danish and a
// minor error, and the source's own two spellings of a name last.
func TestRankOrdersWhatMattersFirst(t *testing.T) {
	fs := []Finding{
		{Code: CodeNameSpelling, Message: "spelling"},
		{Code: "mistranslation", By: "model", Severity: "minor", Message: "minor"},
		{Code: CodeParagraphs, Paragraph: 3, Message: "split"},
		{Code: CodeName, SourceParagraph: 5, Message: "name"},
		{Code: CodeParagraphs, SourceParagraph: 4, Message: "dropped"},
	}
	slices.SortStableFunc(fs, func(a, b Finding) int { return Rank(a) - Rank(b) })
	if got := Messages(fs); !slices.Equal(got, []string{"name", "dropped", "split", "minor", "spelling"}) {
		t.Errorf("ranked %q", got)
	}
	if !InputNote(Finding{Code: CodeChatter}) || InputNote(Finding{Code: CodeName}) {
		t.Error("a removed preface is not an input note, or a name is")
	}
}
