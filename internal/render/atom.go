package render

import (
	"bytes"
	"cmp"
	"crypto/sha1"
	"encoding/xml"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/brief-news/brief/internal/story"
)

// Feed is what briefing.atom needs besides the briefing itself.
type Feed struct {
	// SiteURL is the address OUT is served at ("https://news.example/brief/");
	// with it every link is absolute, without it relative to the feed.
	SiteURL string
	// Key tells this feed apart from other briefings' when SiteURL is not
	// given (the output folder's absolute path); ids are derived from it.
	Key string
	// PageExt is the article pages' extension to link: ".html" when the
	// run writes HTML pages, else ".md".
	PageExt string
	// IDs, when set, are the entry ids of the stories (by story ID) that
	// the caller keeps from earlier feeds; the others get EntryID.
	IDs map[string]string
}

// The Atom document (RFC 4287), as encoding/xml writes it.
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"xml:lang,attr,omitempty"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  atomText    `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Links     []atomLink  `xml:"link"`
	Entries   []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Authors    []atomPerson   `xml:"author,omitempty"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category,omitempty"`
	Summary    atomText       `xml:"summary,omitempty"`
}

// atomText is plain text, type="text" (RFC 4287 3.1).
type atomText string

func (t atomText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "type"}, Value: "text"})
	return e.EncodeElement(string(t), start)
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// BriefingAtom is OUT/briefing.atom: an Atom feed (RFC 4287) with one entry
// per story as the briefing shows it (a folded resend once), newest first.
// An entry's id is derived from the story's first version, so a resend that
// folds into a story updates its entry instead of adding one; its updated
// is when the story's text was made, so it changes only when the story
// does, and an unchanged re-run writes the same bytes.
func BriefingAtom(b Briefing, f Feed) []byte {
	feed := atomFeed{
		Lang:      b.Run.Lang,
		ID:        feedID(f),
		Title:     atomText(briefingTitle(b)),
		Subtitle:  atomText(b.Period),
		Author:    atomPerson{Name: "brief"},
		Generator: "brief",
		Links:     []atomLink{{Rel: "alternate", Type: pageType(f.PageExt), Href: f.href("briefing" + f.PageExt)}},
	}
	if f.SiteURL != "" {
		feed.Links = append(feed.Links, atomLink{Rel: "self", Type: "application/atom+xml", Href: f.href("briefing.atom")})
	}
	var newest time.Time
	for _, s := range feedStories(b.Groups) {
		e, updated := f.entry(s, b.Run.Started)
		feed.Entries = append(feed.Entries, e)
		if updated.After(newest) {
			newest = updated
		}
	}
	if newest.IsZero() {
		newest = b.Run.Started
	}
	feed.Updated = atomTime(newest)
	var out bytes.Buffer
	out.WriteString(xml.Header)
	enc := xml.NewEncoder(&out)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		// Only unencodable Go types fail, and these have none.
		panic("render: atom: " + err.Error())
	}
	out.WriteString("\n")
	return out.Bytes()
}

// feedStories are the shown stories, newest first: by date, then by when
// they were made, then by id, so the order is stable.
func feedStories(groups []story.Group) []story.Story {
	var ss []story.Story
	for _, g := range groups {
		ss = append(ss, g.Stories...)
	}
	slices.SortStableFunc(ss, func(a, c story.Story) int {
		return cmp.Or(cmp.Compare(c.Date, a.Date), storyUpdated(c).Compare(storyUpdated(a)), cmp.Compare(a.ID, c.ID))
	})
	return ss
}

// entry is one story's entry and its updated time.
func (f Feed) entry(s story.Story, fallback time.Time) (atomEntry, time.Time) {
	updated := storyUpdated(s)
	full, _ := FullDate(s.Date)
	if updated.IsZero() && full != "" {
		updated, _ = time.Parse("2006-01-02", full)
	}
	if updated.IsZero() {
		updated = fallback
	}
	e := atomEntry{
		ID:      f.id(s),
		Title:   atomText(oneLine(s.Headline)),
		Updated: atomTime(updated),
		Links:   []atomLink{{Rel: "alternate", Type: pageType(f.PageExt), Href: f.href(storyLink(s.Link, f.PageExt))}},
	}
	if full != "" {
		e.Published = full + "T00:00:00Z"
	}
	if a := oneLine(s.Agency); a != "" {
		e.Authors = []atomPerson{{Name: a}}
	}
	for _, t := range s.Tags {
		e.Categories = append(e.Categories, atomCategory{Term: t})
	}
	sum := oneLine(s.Summary)
	if len(s.Warnings) > 0 {
		// A reader of the feed sees the summary, not the briefing's check
		// list: it says first that the translation needs a look, and why.
		e.Categories = append(e.Categories, atomCategory{Term: "needs-a-look", Label: "Needs a look"})
		sum = strings.TrimSpace("Needs a look: " + oneLine(s.Warnings[0]) + ". " + sum)
	}
	e.Summary = atomText(sum)
	return e, updated
}

// EntryID is a story's own entry id: a name-based UUID of the feed and the
// story's first version, so it stays when a resend folds into the story.
func (f Feed) EntryID(s story.Story) string {
	return nameUUID("brief entry\x00" + feedID(f) + "\x00" + firstVersion(s))
}

func (f Feed) id(s story.Story) string {
	if id, ok := f.IDs[s.ID]; ok {
		return id
	}
	return f.EntryID(s)
}

// storyUpdated is when the story's text was last made.
func storyUpdated(s story.Story) time.Time {
	if s.LastMod.After(s.Generated) {
		return s.LastMod
	}
	return s.Generated
}

// firstVersion names the story's oldest version, so the entry keeps its id
// when a resend folds into it: by the input it was read from, not by its
// page name, which a new input can take over (b.txt, then B.txt added).
func firstVersion(s story.Story) string {
	source, slug := s.Source, s.ID
	if n := len(s.EarlierVersions); n > 0 {
		source, slug = s.EarlierVersions[n-1].Source, s.EarlierVersions[n-1].ID
	}
	if source == "" {
		return slug
	}
	return "input\x00" + path.Clean(filepath.ToSlash(source))
}

func pageType(ext string) string {
	if ext == ".html" {
		return "text/html"
	}
	return "text/markdown"
}

func atomTime(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return rfc3339(t)
}

// href is link (relative to OUT) as the feed shows it: resolved against
// the site's address when there is one.
func (f Feed) href(link string) string {
	base, err := url.Parse(f.SiteURL)
	ref, err2 := url.Parse(link)
	if f.SiteURL == "" || err != nil || err2 != nil {
		return link
	}
	return base.ResolveReference(ref).String()
}

// feedID is the feed's permanent id: its address when the site is known,
// else a name-based UUID of the output folder.
func feedID(f Feed) string {
	if f.SiteURL != "" {
		return f.href("briefing.atom")
	}
	return nameUUID("brief feed\x00" + f.Key)
}

// nameUUID is an RFC 9562 version 5 (name-based, SHA-1) UUID URN of name
// in the URL namespace.
func nameUUID(name string) string {
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
