package qa

// Finding is one thing an editor should check in a translation.
type Finding struct {
	// Code names the kind of finding (the Code* constants), for
	// programs; Message is the sentence for people.
	Code    string `json:"code"`
	Message string `json:"message"`
	// SourceParagraph and Paragraph are the 1-based paragraph numbers the
	// finding is about, in the source and in the translation, counted the
	// way the review page numbers them: the lede (when the article has one)
	// is paragraph 1. 0 means the finding is about the text as a whole, or
	// that side has no such paragraph (a paragraph the translation dropped
	// has a SourceParagraph and no Paragraph).
	SourceParagraph int `json:"source_paragraph,omitempty"`
	Paragraph       int `json:"paragraph,omitempty"`
	// Evidence is the exact text of the source paragraph the finding rests
	// on (the number the translation lacks, the name it changed, the
	// sentence left untranslated), highlighted on the review page.
	Evidence string `json:"evidence,omitempty"`
	// TranslationEvidence is the text of the translation paragraph the
	// finding rests on, when there is one (the garbled form of a name).
	TranslationEvidence string `json:"translation_evidence,omitempty"`
	// By is who found it: "" for brief's own checks, "model" for the
	// model's review (--review).
	By string `json:"by,omitempty"`
	// Severity is the model review's grading (minor, major, critical); ""
	// for brief's own checks.
	Severity string `json:"severity,omitempty"`
}

// ByModel is the By of findings from the model's review.
const ByModel = "model"

// Messages returns the findings' messages, for warnings lists.
func Messages(fs []Finding) []string {
	if len(fs) == 0 {
		return nil
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Message
	}
	return out
}

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
