package translate

import "github.com/brief-news/brief/internal/finding"

// The findings QA reports: the checks (check*.go) compare a translation
// with its source, Clean (clean.go, repetition.go) removes what does not
// belong in a translation; both say what they found as Findings.

// Finding is one QA observation about a translation, for an editor: it goes
// to the manifest, into the article file as a visible note pinned to its
// paragraph on the review, and onto the story in the briefing. The type
// lives in internal/finding so the manifest and the renderer need not
// import the translator.
type Finding = finding.Finding

// Finding codes.
const (
	CodeSourceLanguage = "source-language"      // still (partly) in the source language
	CodeTargetLanguage = "not-target-language"  // does not look like the target language
	CodeMissingNumber  = "missing-number"       // a number of the source is not in the translation
	CodeParagraphs     = "paragraph-count"      // paragraphs merged, split or dropped
	CodeLength         = "length-ratio"         // far shorter or longer than expected
	CodeChatter        = "chatter"              // preface, closing remark or code fence removed
	CodeControl        = "control-characters"   // control or invisible characters removed
	CodeInvalidUTF8    = "invalid-utf8"         // broken characters removed
	CodeRepetition     = "repetition"           // runaway repetition removed
	CodeEmpty          = "empty"                // no translation at all
	CodeName           = "name"                 // a name of the source is missing or changed
	CodeNameSpelling   = "source-name-spelling" // the source spells one name two ways
	// CodePromptCut: the server cut a prompt without an error; the part
	// was redone in smaller parts, so the text is whole, but the editor
	// (and whoever runs the server) should know its window is smaller
	// than it said.
	CodePromptCut = "prompt-cut"
	// CodeMemoryNumber: a number of a remembered near paragraph, given as
	// a reference, is in the translation although the source lacks it.
	CodeMemoryNumber = "memory-number"
)

// Messages returns the findings' messages, for Result.Warnings and the like.
func Messages(fs []Finding) []string { return finding.Messages(fs) }

// Rank is how urgently an editor should look at a finding, 0 first: the
// translation lost or changed what the source says (a name, a paragraph, a
// number, nothing at all; the model's critical errors), then text left in
// the wrong language and the model's major errors, then what reads oddly
// (length, repetition, minor errors), and last a name the source itself
// spells two ways. A story's findings are shown in this order, and the
// briefing lists first the stories whose worst finding ranks first.
func Rank(f Finding) int {
	switch {
	case f.Code == CodeParagraphs && f.SourceParagraph == 0:
		return 1 // split or added: nothing of the source is lost
	case f.By != "" && f.Severity == "critical", f.Code == CodeName, f.Code == CodeParagraphs,
		f.Code == CodeMissingNumber, f.Code == CodeEmpty:
		return 0
	case f.By != "" && f.Severity == "major", f.Code == CodeSourceLanguage, f.Code == CodeTargetLanguage:
		return 1
	case f.Code == CodeNameSpelling:
		return 3
	}
	return 2
}

// InputNote reports whether a finding says what brief did to the text (a
// preface, control or broken characters removed; a prompt the server cut
// and brief redid whole) rather than what to check in the translation.
func InputNote(f Finding) bool {
	switch f.Code {
	case CodeChatter, CodeControl, CodeInvalidUTF8, CodePromptCut:
		return f.By == ""
	}
	return false
}
