package render

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"

	"github.com/brief-news/brief/internal/story"
)

// parseAtom parses a feed with gofeed, both its universal parser (what
// feed readers built on it see) and its Atom parser (the Atom elements
// themselves).
func parseAtom(t *testing.T, data []byte) (*gofeed.Feed, *atom.Feed) {
	t.Helper()
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("gofeed cannot parse the feed: %v\n%s", err, data)
	}
	if f.FeedType != "atom" || f.FeedVersion != "1.0" {
		t.Fatalf("gofeed sees a %s %s feed, want atom 1.0", f.FeedType, f.FeedVersion)
	}
	a, err := (&atom.Parser{}).Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return f, a
}

// checkAtomRules checks the RFC 4287 rules the W3C feed validator applies
// that a test can check without the network: required elements, RFC 3339
// dates, unique ids that are IRIs, an author for every entry, an alternate
// link where there is no content, and links absolute exactly when the site
// is known (with a self link then).
func checkAtomRules(t *testing.T, a *atom.Feed, absolute bool) {
	t.Helper()
	isIRI := func(s string) bool {
		u, err := url.Parse(s)
		return err == nil && u.Scheme != ""
	}
	date := func(what, s string) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%s %q is not an RFC 3339 date", what, s)
		}
	}
	link := func(what string, l *atom.Link) {
		u, err := url.Parse(l.Href)
		switch {
		case err != nil || l.Href == "":
			t.Errorf("%s link %q is not a URI reference", what, l.Href)
		case absolute && (!u.IsAbs() || u.Host == ""):
			t.Errorf("%s link %q is not absolute although the site's address is known", what, l.Href)
		case !absolute && u.IsAbs():
			t.Errorf("%s link %q is absolute without a site address", what, l.Href)
		}
	}
	if !isIRI(a.ID) || a.Title == "" {
		t.Errorf("feed id %q / title %q missing or invalid", a.ID, a.Title)
	}
	date("feed updated", a.Updated)
	self := false
	for _, l := range a.Links {
		link("feed", l)
		self = self || l.Rel == "self"
	}
	if absolute && !self {
		t.Error("no rel=self link although the feed's address is known")
	}
	ids := map[string]bool{a.ID: true}
	for _, e := range a.Entries {
		if !isIRI(e.ID) || ids[e.ID] {
			t.Errorf("entry id %q is not a unique IRI", e.ID)
		}
		ids[e.ID] = true
		if e.Title == "" {
			t.Errorf("entry %s has no title", e.ID)
		}
		date("entry updated", e.Updated)
		if e.Published != "" {
			date("entry published", e.Published)
		}
		if len(e.Authors) == 0 && len(a.Authors) == 0 {
			t.Errorf("entry %s has no author and neither has the feed", e.ID)
		}
		alternate := false
		for _, l := range e.Links {
			link("entry", l)
			alternate = alternate || l.Rel == "alternate"
		}
		if e.Content == nil && !alternate {
			t.Errorf("entry %s has neither content nor an alternate link", e.ID)
		}
	}
}

func TestAtomFeedParsesAndFollowsTheRules(t *testing.T) {
	b := sampleBriefing()
	b.Groups[0].Stories[1].Tags = []string{"North Korea", "South Korea"}
	for _, site := range []string{"", "https://news.example/brief/"} {
		data := BriefingAtom(b, Feed{SiteURL: site, Key: "/srv/out", PageExt: ".html"})
		f, a := parseAtom(t, data)
		checkAtomRules(t, a, site != "")
		if len(f.Items) != 5 {
			t.Fatalf("%d entries, want one per shown story (5)", len(f.Items))
		}
		// Newest first, with what an editor reads in a feed reader.
		if got := f.Items[0].Title; got != "South Korean president to visit the DMZ #1" {
			t.Errorf("first entry %q, want the newest story", got)
		}
		kontor := f.Items[1]
		if kontor.Description != "North Korea and South Korea reopened their joint liaison office in Kaesong on Monday. - Officials called it a small step." ||
			kontor.Published != "2019-02-01T00:00:00Z" || len(kontor.Authors) != 1 || kontor.Authors[0].Name != "ritzau" ||
			strings.Join(kontor.Categories, "|") != "North Korea|South Korea" {
			t.Errorf("entry = %+v", kontor)
		}
		want := "articles/kontor-2.html"
		if site != "" {
			want = site + want
		}
		if kontor.Link != want {
			t.Errorf("entry link %q, want %q", kontor.Link, want)
		}
		if !bytes.Equal(data, BriefingAtom(b, Feed{SiteURL: site, Key: "/srv/out", PageExt: ".html"})) {
			t.Error("the same briefing gives a different feed")
		}
	}
	// Markdown pages when the run writes no HTML.
	f, _ := parseAtom(t, BriefingAtom(b, Feed{Key: "/srv/out", PageExt: ".md"}))
	if f.Items[1].Link != "articles/kontor-2.md" {
		t.Errorf("link %q, want the Markdown page", f.Items[1].Link)
	}
}

func TestAtomEntryKeepsItsIdWhenAResendFoldsIn(t *testing.T) {
	feedOf := func(stories ...story.Story) *atom.Feed {
		var groups []story.Group
		for _, s := range stories {
			groups = append(groups, story.Group{Stories: []story.Story{s}})
		}
		_, a := parseAtom(t, BriefingAtom(Briefing{Period: "February 2019", Stories: stories, Groups: groups, Run: RunFacts{Lang: "en"}}, Feed{Key: "/srv/out"}))
		return a
	}
	first := sampleStory("kontor", "2019-02", "Koreas reopen liaison office")
	rate := sampleStory("rente", "2019-01", "Danish central bank raises key interest rate")
	week1 := feedOf(first, rate)

	// Next week the agency's update arrives and folds into the story.
	update := sampleStory("kontor-opdateret", "2019-02", "North and South Korea reopen liaison office in Kaesong")
	update.Generated = generated.Add(7 * 24 * time.Hour)
	update.EarlierVersions = []story.Link{{ID: "kontor", Headline: first.Headline, Date: first.Date, Link: first.Link, Source: first.Source}}
	week2 := feedOf(update, rate)

	if len(week2.Entries) != len(week1.Entries) {
		t.Fatalf("%d entries after the resend folded in, want %d", len(week2.Entries), len(week1.Entries))
	}
	ids := func(a *atom.Feed) map[string]*atom.Entry {
		m := map[string]*atom.Entry{}
		for _, e := range a.Entries {
			m[e.ID] = e
		}
		return m
	}
	before, after := ids(week1), ids(week2)
	for id, e := range after {
		old, ok := before[id]
		if !ok {
			t.Fatalf("entry %q (%s) is new: a feed reader would show the story twice", id, e.Title)
		}
		changed := e.Title != old.Title
		if changed != (e.Updated != old.Updated) {
			t.Errorf("entry %s: updated %s -> %s, but the story changed: %v", e.Title, old.Updated, e.Updated, changed)
		}
	}
	if week2.Updated != atomTime(update.Generated) {
		t.Errorf("feed updated %s, want the newest story's %s", week2.Updated, atomTime(update.Generated))
	}
}

func TestNameUUIDIsRFC9562Version5(t *testing.T) {
	// The value Python's uuid.uuid5(uuid.NAMESPACE_URL, "hello") gives.
	if got := nameUUID("hello"); got != "urn:uuid:074171de-bc84-5ea4-b636-1135477620e1" {
		t.Errorf("nameUUID = %s", got)
	}
}
