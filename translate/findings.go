package translate

// The findings QA reports: the checks (check*.go) compare a translation
// with its source, Clean (clean.go, repetition.go) removes what does not
// belong in a translation; both say what they found as Findings.

// Finding is one QA observation about a translation, for an editor: it goes
// to the manifest as a warning, into the article file as a visible note and
// onto the story in the briefing.
type Finding struct {
	// Code names the kind of finding (one of the Code* constants), for
	// programs; Message is the sentence for people.
	Code string `json:"code"`
	// Paragraph is the 1-based paragraph the finding is about, 0 for the
	// text as a whole.
	Paragraph int    `json:"paragraph,omitempty"`
	Message   string `json:"message"`
}

func (f Finding) String() string { return f.Message }

// Finding codes.
const (
	CodeSourceLanguage = "source-language"     // still (partly) in the source language
	CodeTargetLanguage = "not-target-language" // does not look like the target language
	CodeMissingNumber  = "missing-number"      // a number of the source is not in the translation
	CodeParagraphs     = "paragraph-count"     // paragraphs merged, split or dropped
	CodeLength         = "length-ratio"        // far shorter or longer than expected
	CodeChatter        = "chatter"             // preface, closing remark or code fence removed
	CodeControl        = "control-characters"  // control or invisible characters removed
	CodeInvalidUTF8    = "invalid-utf8"        // broken characters removed
	CodeRepetition     = "repetition"          // runaway repetition removed
	CodeEmpty          = "empty"               // no translation at all
)

// Messages returns the findings' messages, for Result.Warnings and the like.
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
