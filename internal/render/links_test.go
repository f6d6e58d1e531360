package render_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"math/rand"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/render"
	"github.com/brief-news/brief/internal/story"
)

// These tests run the briefing as the pipeline builds it: stories with
// source fingerprints, organised by internal/story, then rendered.

var background = []string{
	"De to koreanske stater er formelt fortsat i krig med hinanden, fordi kampene i 1953 sluttede med en våbenhvile og ikke med en egentlig fredstraktat.",
	"USA har knap 30.000 soldater stationeret i Sydkorea, og Washington har flere gange advaret styret i Pyongyang mod at true sine naboer.",
}

func source(paras ...string) []string { return append(paras, background...) }

func pipelineStories() []story.Story {
	topmoede := source(
		"Nordkoreas leder er klar til et nyt topmøde med USA's præsident, siger Sydkoreas regering.",
		"Ifølge den sydkoreanske præsident har Kim Jong-un sagt ja til at mødes med Donald Trump igen inden sommeren.",
		"Et tidspunkt og et sted er endnu ikke fastlagt, men Vietnam og Singapore nævnes som mulige værtslande for mødet.",
		"Det Hvide Hus har ikke kommenteret meldingen fra Seoul, men har tidligere sagt, at præsidenten er åben for et møde.",
	)
	resend := append([]string{"Opdateret: " + topmoede[0]}, topmoede[1:]...)
	resend = append(resend, "Sydkoreas udenrigsminister rejser i næste uge til Washington for at forberede mødet.")
	missiler := source(
		"Nordkorea har affyret to kortrækkende missiler ud over havet øst for halvøen.",
		"Missilerne blev sendt op fra et område nær kystbyen Wonsan og fløj omkring 400 kilometer, før de styrtede i vandet.",
		"Japans regering kalder opsendelsen en klar overtrædelse af FN's resolutioner og har indkaldt til et hastemøde.",
	)
	rente := []string{
		"Nationalbanken hæver renten efter beslutning i Frankfurt.",
		"Danmarks Nationalbank hæver den toneangivende rente med 0,15 procentpoint til minus 0,50 procent fra fredag.",
		"Beslutningen følger, efter at Den Europæiske Centralbank torsdag hævede sine renter for første gang i flere år.",
	}
	renteRettet := append([]string{"RETTELSE: " + rente[0], strings.Replace(rente[1], "0,15", "0,10", 1)}, rente[2:]...)
	mk := func(id, date, headline, summary string, src []string) story.Story {
		return story.Story{ID: id, Date: date, Headline: headline, Summary: summary, Agency: "ritzau",
			Link: "articles/" + id + ".md", Source: "in/" + id + ".txt", Fingerprint: story.FingerprintOf(src)}
	}
	return []story.Story{
		mk("topmoede", "2019-02", "Kim Jong-un ready for new summit with Trump, says Seoul",
			"South Korea says North Korea's leader Kim Jong-un has agreed to meet President Donald Trump again before the summer. Vietnam and Singapore are named as possible hosts.", topmoede),
		mk("topmoede opdateret", "2019-02", "Kim Jong-un ready for new summit with Trump; Seoul minister to visit Washington",
			"South Korea says North Korea's leader Kim Jong-un has agreed to meet President Donald Trump again before the summer. South Korea's foreign minister travels to Washington next week.", resend),
		mk("missiler", "2019-03", "North Korea fires two short-range missiles",
			"North Korea fired two short-range missiles from near Wonsan that flew about 400 kilometres, South Korea said. Japan called it a breach of UN resolutions.", missiler),
		mk("rente", "2019-01", "Danish central bank raises key interest rate",
			"Danmarks Nationalbank raised its key interest rate by 0.15 percentage points following the European Central Bank.", rente),
		mk("rente-rettet", "2019-01", "Danish central bank raises key interest rate",
			"Danmarks Nationalbank raised its key interest rate by 0.10 percentage points following the European Central Bank.", renteRettet),
	}
}

func organised(stories []story.Story) render.Briefing {
	var dates []string
	for _, s := range stories {
		dates = append(dates, s.Date)
	}
	b := render.Briefing{
		Period: render.Period(dates, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)), Stories: stories,
		Groups:   story.Organize(stories),
		Digest:   "Korea led the news.",
		Problems: []render.Problem{{Source: "in/tom.txt", Status: "skipped", Reason: "the file is empty"}},
		Run:      render.RunFacts{Model: "m", EndpointHost: "localhost:11434", Lang: "en"},
	}
	return b
}

// hrefsAndIDs parses an HTML page and returns its link targets and ids.
func hrefsAndIDs(t *testing.T, page []byte) (hrefs []string, ids map[string]bool) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	ids = map[string]bool{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return hrefs, ids
		}
		if err != nil {
			t.Fatalf("HTML does not parse: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "href", "src":
					hrefs = append(hrefs, a.Value)
				case "id":
					ids[a.Value] = true
				}
			}
		}
	}
}

func TestHTMLBriefingLinksResolve(t *testing.T) {
	stories := pipelineStories()
	b := organised(stories)
	// What the pipeline writes with --format md,html: for every article,
	// articles/<slug>.md and articles/<slug>.html beside briefing.html.
	written := map[string]bool{}
	for _, s := range stories {
		written["articles/"+s.ID+".md"] = true
		written["articles/"+s.ID+".html"] = true
	}
	page := render.BriefingHTML(b)
	hrefs, ids := hrefsAndIDs(t, page)
	linked := map[string]bool{}
	for _, h := range hrefs {
		if strings.HasPrefix(h, "#") {
			if !ids[h[1:]] {
				t.Errorf("link %s points at no element of the page", h)
			}
			continue
		}
		u, err := url.Parse(h)
		if err != nil || u.IsAbs() || u.Host != "" || strings.HasPrefix(u.Path, "/") {
			t.Errorf("link %q is not a relative path", h)
			continue
		}
		if !strings.HasSuffix(u.Path, ".html") {
			t.Errorf("link %q in the HTML briefing does not point at an .html page", h)
		}
		if !written[u.Path] {
			t.Errorf("link %q resolves to %q, which the pipeline does not write", h, u.Path)
		}
		linked[u.Path] = true
	}
	for _, s := range stories {
		if !linked["articles/"+s.ID+".html"] {
			t.Errorf("the HTML briefing does not link %s (folded versions must stay reachable)", s.ID)
		}
	}
	if !bytes.Contains(page, []byte("@media print")) || !bytes.Contains(page, []byte("<style>")) {
		t.Error("the HTML briefing has no inline print stylesheet")
	}

	art := render.ArticleHTML(render.ArticlePage{Headline: "H", Paragraphs: []string{"[x](../../etc/passwd) and <a href=\"http://evil\">y</a>"}})
	if hrefs, _ := hrefsAndIDs(t, art); len(hrefs) != 1 || hrefs[0] != "../briefing.html" {
		t.Errorf("an article page links %q; want only the way back to ../briefing.html (its text has no links)", hrefs)
	}
}

func TestOrganisedBriefingFoldsAndIsDeterministic(t *testing.T) {
	stories := pipelineStories()
	md := render.BriefingMarkdown(organised(stories))
	// The marked update is shown, with the first version one click away;
	// the missile story shares two background paragraphs with both and
	// stays a story of its own, in the same Korea group. The corrected
	// rate story says it is a correction.
	for _, want := range []string{
		"3 stories from 5 articles",
		"## North Korea · South Korea",
		"February 2019 · ritzau · Updated version · [Full translation](articles/topmoede%20opdateret.md)",
		"Earlier version: [Kim Jong-un ready for new summit with Trump, says Seoul](articles/topmoede.md) (February 2019)",
		"March 2019 · ritzau · [Full translation](articles/missiler.md)",
		"January 2019 · ritzau · **Corrected version** · [Full translation](articles/rente-rettet.md)",
		"Earlier version: [Danish central bank raises key interest rate](articles/rente.md) (January 2019)",
	} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("briefing.md has no %q:\n%s", want, md)
		}
	}
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 20; i++ {
		s := append([]story.Story(nil), stories...)
		r.Shuffle(len(s), func(a, b int) { s[a], s[b] = s[b], s[a] })
		for _, f := range []func(render.Briefing) []byte{render.BriefingMarkdown, render.BriefingHTML, render.BriefingJSON} {
			if !bytes.Equal(f(organised(s)), f(organised(stories))) {
				t.Fatal("shuffling the stories changed the briefing")
			}
		}
	}
}
