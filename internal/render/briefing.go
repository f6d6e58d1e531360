package render

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/brief-news/brief/internal/story"
)

// BriefingMarkdown is OUT/briefing.md: the title naming the period, a line
// of counts, a short table of contents, the opening digest, the stories in
// b.Groups (related stories under one heading, newest first, resends
// folded), the failed and skipped inputs with reasons, and the run facts.
// The same Briefing always gives the same bytes: nothing here reads the
// clock or iterates a map, so week-to-week diffs show real changes.
func BriefingMarkdown(b Briefing) []byte { return briefingMarkdown(b, ".md") }

// layout is what every format of the briefing shows, computed once.
type layout struct {
	problems []Problem
	counts   JSONCounts    // the counts line, as briefing.json gives it
	flagged  []story.Story // stories with warnings, most urgent first
	noted    []story.Story // stories with notes on their input, as shown
}

func layoutOf(b Briefing) layout {
	var l layout
	for _, g := range b.Groups {
		for _, s := range g.Stories {
			l.counts.Stories++
			l.counts.Articles += 1 + len(s.EarlierVersions)
			if len(s.Warnings) > 0 {
				l.counts.Flagged++
				l.flagged = append(l.flagged, s)
			}
			if len(s.Notes) > 0 {
				l.noted = append(l.noted, s)
			}
		}
	}
	slices.SortStableFunc(l.flagged, func(a, c story.Story) int { return a.Concern - c.Concern })
	l.problems = append([]Problem{}, b.Problems...) // never null in briefing.json
	slices.SortStableFunc(l.problems, func(a, c Problem) int {
		return cmp.Or(statusRank(a.Status)-statusRank(c.Status), cmp.Compare(a.Source, c.Source), cmp.Compare(a.Reason, c.Reason))
	})
	count := map[string]*int{"failed": &l.counts.Failed, "skipped": &l.counts.Skipped, "pending": &l.counts.Pending}
	for _, p := range l.problems {
		if n := count[p.Status]; n != nil {
			*n++
		}
	}
	return l
}

// statusRank lists failed inputs first, then skipped, then not processed.
func statusRank(s string) int {
	if i := slices.Index([]string{"failed", "skipped", "pending"}, s); i >= 0 {
		return i
	}
	return 3
}

// statusLabel is a status as the list of problems names it: capitalised
// ("Failed", "Skipped").
func statusLabel(s string) string {
	switch s {
	case "pending":
		return "Not processed"
	case "":
		return "Problem"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// briefingTitle names the briefing's period: "Briefing: January 2019".
func briefingTitle(b Briefing) string { return "Briefing: " + b.Period }

// storyLink is where a story's article page is (link, its Markdown page),
// for the format being written (ext ".md" or ".html").
func storyLink(link, ext string) string {
	if ext != ".md" && strings.HasSuffix(link, ".md") {
		link = strings.TrimSuffix(link, ".md") + ext
	}
	return dest(link)
}

// reviewLink is where a story's review is: the HTML page itself (which
// shows the review), or the Markdown review beside the Markdown page.
func reviewLink(link, ext string) string {
	if ext == ".md" {
		return strings.TrimSuffix(storyLink(link, ext), ".md") + ReviewSuffix
	}
	return storyLink(link, ext)
}

func briefingMarkdown(b Briefing, ext string) []byte {
	l := layoutOf(b)
	ids := newAnchors()
	head := &mdDoc{ids: ids}
	w := &sections{body: &mdDoc{ids: ids}, ext: ext}

	head.heading(1, heading(briefingTitle(b)))
	head.para(countsLine(l.counts))
	switch {
	case b.Run.Interrupted:
		head.para("**This run was interrupted.** Run brief again with the same input to finish the rest.")
	case b.Run.StoppedBy != "":
		head.para("**This run stopped early: " + inline(b.Run.StoppedBy) + ".** Run brief again with the same input to finish the rest.")
	}
	// The contents list comes before the sections it links to, but the
	// anchors must be handed out in document order, so its own heading
	// takes its id now and the sections are written to body first.
	ids.next("Contents")
	if len(l.flagged) > 0 {
		w.section("Check these first", plural(len(l.flagged), "story", "stories"))
		checkFirst(w.body, l.flagged, ext)
	}
	if c := b.Changes; c != nil {
		w.section("Since the previous briefing", fmt.Sprintf("%d new · %d updated · %d dropped", len(c.New), len(c.Updated), len(c.Dropped)))
		sinceLast(w.body, c, ext)
	}
	w.digest(b, l)
	w.groups(b.Groups)
	if len(l.noted) > 0 {
		w.section("Notes on the inputs", plural(len(l.noted), "story", "stories"))
		inputNotes(w.body, l.noted, ext)
	}
	w.problems(l, b.LeftOut)
	w.section("Run facts", "")
	runFacts(w.body, b.Run)

	head.para("## Contents")
	for _, t := range w.toc {
		head.line(t)
	}
	head.end()
	return append([]byte(head.b.String()), w.body.bytes()...)
}

// sections writes the briefing's sections and keeps their contents list.
type sections struct {
	body *mdDoc
	ext  string // of the article links: ".md" or ".html"
	toc  []string
}

// section starts a section with its heading and lists it in the contents,
// with note beside it.
func (w *sections) section(title, note string) {
	id := w.body.heading(2, title)
	w.toc = append(w.toc, tocItem(title, id, note))
}

func (w *sections) digest(b Briefing, l layout) {
	w.section("Digest", "")
	switch {
	case strings.TrimSpace(b.Digest) != "":
		for _, p := range strings.Split(strings.ReplaceAll(b.Digest, "\r\n", "\n"), "\n\n") {
			if p = block(p); p != "" {
				w.body.para(p)
			}
		}
	case strings.TrimSpace(b.DigestNote) != "":
		w.body.para("*" + inline(b.DigestNote) + "*")
	case l.counts.Stories == 0:
		w.body.para("*There are no stories to digest.*")
	default:
		w.body.para("*The opening digest could not be written.*")
	}
}

// groups writes a section per group of related stories, then the stories
// that stand alone ("Other stories", or "Stories" when nothing is grouped).
func (w *sections) groups(groups []story.Group) {
	var singles []story.Story
	multi := 0
	for _, g := range groups {
		if len(g.Stories) == 1 && g.Title == "" {
			singles = append(singles, g.Stories[0])
			continue
		}
		multi++
		w.section(cmp.Or(heading(g.Title), heading(g.Stories[0].Headline)), plural(len(g.Stories), "story", "stories"))
		for _, s := range g.Stories {
			storyBlock(w.body, s, w.ext)
		}
	}
	if len(singles) == 0 && multi > 0 {
		return
	}
	title := "Other stories"
	if multi == 0 {
		title = "Stories"
	}
	w.section(title, plural(len(singles), "story", "stories"))
	if len(singles) == 0 {
		w.body.para("*No article became a story in this run.*")
	}
	for _, s := range singles {
		storyBlock(w.body, s, w.ext)
	}
}

func (w *sections) problems(l layout, leftOut string) {
	w.section("Failed and skipped", plural(len(l.problems), "input", "inputs"))
	switch {
	case leftOut != "":
		w.body.para("**Left out:** " + inline(leftOut) + ".")
		if len(l.problems) == 0 {
			w.body.para("Every input in the window became a story.")
		}
	case len(l.problems) == 0:
		w.body.para("Every input became a story.")
	}
	for _, p := range l.problems {
		reason := cmp.Or(inline(p.Reason), "no reason was recorded")
		w.body.line("- **" + statusLabel(p.Status) + ":** " + inline(p.Source) + " — " + reason)
	}
	if len(l.problems) > 0 {
		w.body.end()
	}
}

func tocItem(text, id, note string) string {
	s := "- [" + text + "](#" + id + ")"
	if note != "" {
		s += " — " + note
	}
	return s
}

func countsLine(c JSONCounts) string {
	s := plural(c.Stories, "story", "stories") + " from " + plural(c.Articles, "article", "articles") +
		" · " + strconv.Itoa(c.Failed) + " failed · " + strconv.Itoa(c.Skipped) + " skipped"
	if c.Pending > 0 {
		s += " · " + strconv.Itoa(c.Pending) + " not processed"
	}
	if c.Flagged > 0 {
		s += " · **" + plural(c.Flagged, "story needs", "stories need") + " a look**"
	}
	return s
}

// checkFirst lists the stories whose translations have QA warnings, the
// most urgent first (a changed name or a lost paragraph before a style
// note), each linked to its review, where the findings are pinned beside
// the source, with its first findings.
func checkFirst(d *mdDoc, ss []story.Story, ext string) {
	d.para("The checks found something to verify in these translations, most urgent first; each review shows the findings beside the source.")
	for _, s := range ss {
		d.line("- " + ref(s.Headline, s.ID, reviewLink(s.Link, ext)) + " — " + inline(s.Warnings[0]))
		for i, w := range s.Warnings[1:] {
			if i == 2 {
				d.line("  - and " + strconv.Itoa(len(s.Warnings)-3) + " more on the review")
				break
			}
			d.line("  - " + inline(w))
		}
	}
	d.end()
}

// sinceLast says which stories are new, which were updated (a resend
// folded in, a source corrected) and which dropped out since the previous
// briefing; a dropped story's page is gone, so it is named, not linked.
func sinceLast(d *mdDoc, c *story.Changes, ext string) {
	list := func(label string, cs []story.Change, link bool) {
		if len(cs) == 0 {
			return
		}
		items := make([]string, len(cs))
		for i, ch := range cs {
			items[i] = cmp.Or(inline(ch.Headline), inline(ch.ID))
			if link {
				items[i] = ref(ch.Headline, ch.ID, storyLink("articles/"+ch.ID+".md", ext))
			}
		}
		d.line("- **" + label + ":** " + strings.Join(items, " · "))
	}
	if len(c.New)+len(c.Updated)+len(c.Dropped) == 0 {
		d.para("No story is new, updated or gone.")
		return
	}
	list("New", c.New, true)
	list("Updated", c.Updated, true)
	list("Dropped out", c.Dropped, false)
	d.end()
}

// inputNotes is the short list of what brief noted about the inputs and
// cleaned from the answers: worth knowing, nothing to check.
func inputNotes(d *mdDoc, ss []story.Story, ext string) {
	for _, s := range ss {
		d.line("- " + ref(s.Headline, s.ID, storyLink(s.Link, ext)) + " — " + inline(strings.Join(s.Notes, "; ")))
	}
	d.end()
}

// ref is a Markdown link to a page by its headline, or by its ID when it
// has none.
func ref(headline, id, link string) string {
	return "[" + cmp.Or(inline(headline), inline(id)) + "](" + link + ")"
}

// pageHeadline is a headline as its page shows it: one line, "(no
// headline)" when the model gave none.
func pageHeadline(h string) string { return cmp.Or(oneLine(h), "(no headline)") }

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands writes 12345 as "12,345".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// storyBlock writes one story: headline, date and agency, its flags and
// link, the summary, the QA note and the earlier versions folded into it.
func storyBlock(d *mdDoc, s story.Story, ext string) {
	d.heading(3, heading(pageHeadline(s.Headline)))
	var meta []string
	if s.Date != "" {
		meta = append(meta, inline(humanDate(s.Date)))
	}
	if s.Agency != "" {
		meta = append(meta, inline(s.Agency))
	}
	switch {
	case s.Corrected:
		meta = append(meta, "**Corrected version**")
	case s.Updated:
		meta = append(meta, "Updated version")
	}
	meta = append(meta, "[Full translation]("+storyLink(s.Link, ext)+")")
	d.para(strings.Join(meta, " · "))
	if sum := block(s.Summary); sum != "" {
		d.para(sum)
	}
	qaNote(d, s.Warnings)
	if len(s.EarlierVersions) > 0 {
		label := "Earlier version: "
		if len(s.EarlierVersions) > 1 {
			label = "Earlier versions: "
		}
		var vs []string
		for _, v := range s.EarlierVersions {
			var notes []string
			if v.Date != "" {
				notes = append(notes, inline(humanDate(v.Date)))
			}
			if v.Corrected {
				notes = append(notes, "corrected")
			} else if v.Updated {
				notes = append(notes, "updated")
			}
			item := ref(v.Headline, v.ID, storyLink(v.Link, ext))
			if len(notes) > 0 {
				item += " (" + strings.Join(notes, ", ") + ")"
			}
			vs = append(vs, item)
		}
		d.para(label + strings.Join(vs, " · "))
	}
}

func runFacts(d *mdDoc, r RunFacts) {
	model := cmp.Or(inline(r.Model), "unknown")
	if r.EndpointHost != "" {
		model += " at " + inline(r.EndpointHost)
	}
	d.line("- Model: " + model)
	if r.Lang != "" {
		d.line("- Language: " + inline(r.Lang))
	}
	d.line(fmt.Sprintf("- Tokens: %s prompt · %s output", thousands(r.PromptTokens), thousands(r.OutputTokens)))
	if r.MemoryParagraphs > 0 {
		d.line(fmt.Sprintf("- Translation memory: %s paragraphs translated before, about %s tokens saved", thousands(r.MemoryParagraphs), thousands(r.MemoryTokens)))
	}
	if !r.Started.IsZero() {
		d.line("- Made: " + rfc3339(r.Started))
	}
	switch {
	case r.Interrupted:
		d.line("- Interrupted: yes; inputs not processed are listed above and the next run does them")
	case r.StoppedBy != "":
		d.line("- Stopped early: " + inline(r.StoppedBy) + "; inputs not processed are listed above and the next run does them")
	}
	d.end()
}
