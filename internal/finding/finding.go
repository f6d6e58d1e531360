// Package finding is the shape of one QA observation about a translation:
// what the checks in translate and the model's review produce, what the
// manifest records and what the review page pins to a paragraph. It is a
// leaf package so the manifest and the renderer can carry findings without
// importing the translator (and through it the HTTP client).
package finding

// Finding is one thing an editor should check in a translation.
type Finding struct {
	// Code names the kind of finding (translate's Code* constants), for
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

func (f Finding) String() string { return f.Message }

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
