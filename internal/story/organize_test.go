package story

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// newStory builds a Story the way the pipeline does: English headline
// and summary from the model, fingerprint from the Danish source file.
func newStory(t *testing.T, file, headline, summary string) Story {
	t.Helper()
	date, paras := wire(t, file)
	id := strings.TrimSuffix(file, ".txt")
	return Story{
		ID: id, Headline: headline, Date: date, Agency: "ritzau", Summary: summary,
		Link: "articles/" + id + ".md", Source: "in/" + file, Fingerprint: FingerprintOf(paras),
	}
}

func weekStories(t *testing.T) []Story {
	kontorSum := "North Korea and South Korea on Monday reopened their joint liaison office in the border town of Kaesong, closed since the autumn. South Korea's unification ministry said the office lets the two sides talk without intermediaries."
	missilSum := "North Korea fired two short-range missiles into the sea between Korea and Japan on Thursday, South Korea's joint chiefs of staff said. The missiles flew about %s kilometres from near Wonsan."
	return []Story{
		newStory(t, "kontor.txt", "North and South Korea reopen liaison office in Kaesong", kontorSum),
		newStory(t, "kontor-udvidet.txt", "North and South Korea reopen liaison office in Kaesong",
			kontorSum+" Yonhap says about 20 staff from each side will work there."),
		newStory(t, "missiler.txt", "North Korea fires two short-range missiles", strings.Replace(missilSum, "%s", "400", 1)),
		newStory(t, "missiler-rettet.txt", "North Korea fires two short-range missiles", strings.Replace(missilSum, "%s", "450", 1)),
		newStory(t, "praesident.txt", "South Korean president to visit demilitarised zone",
			"South Korea's president will visit the demilitarised zone on the border with North Korea on Friday, talking to soldiers at the Panmunjom crossing and laying a wreath at a memorial."),
		newStory(t, "rente.txt", "Danish central bank raises key interest rate",
			"Danmarks Nationalbank raised its key interest rate by 0.15 percentage points to minus 0.50 percent from Friday, following the European Central Bank's first rate rise in years."),
		newStory(t, "fodbold.txt", "FC Copenhagen beat Brøndby 3-1 in the derby",
			"FC Copenhagen beat Brøndby IF 3-1 at Parken on Sunday in the first Superliga match after the winter break and now lead the league by six points."),
	}
}

func ids(g Group) []string {
	var out []string
	for _, s := range g.Stories {
		out = append(out, s.ID)
	}
	return out
}

func TestOrganizeGroupsRelatedStoriesAndFoldsResends(t *testing.T) {
	groups := Organize(weekStories(t))
	if len(groups) != 3 {
		for _, g := range groups {
			t.Logf("group %q: %v", g.Title, ids(g))
		}
		t.Fatalf("got %d groups, want 3: the Korea stories, the interest rate, the football", len(groups))
	}

	korea := groups[0]
	if want := []string{"praesident", "kontor-udvidet", "missiler-rettet"}; !reflect.DeepEqual(ids(korea), want) {
		t.Errorf("Korea group shows %v, want the latest versions newest first %v", ids(korea), want)
	}
	if !strings.Contains(korea.Title, "Korea") {
		t.Errorf("Korea group is titled %q; want it named after the shared names", korea.Title)
	}
	for _, s := range korea.Stories {
		switch s.ID {
		case "kontor-udvidet":
			if len(s.EarlierVersions) != 1 || s.EarlierVersions[0].ID != "kontor" || s.EarlierVersions[0].Link != "articles/kontor.md" {
				t.Errorf("kontor-udvidet: earlier versions %+v, want a link to articles/kontor.md", s.EarlierVersions)
			}
			if s.Corrected || s.Updated {
				t.Errorf("kontor-udvidet carries no marker but is flagged corrected=%v updated=%v", s.Corrected, s.Updated)
			}
		case "missiler-rettet":
			if !s.Corrected {
				t.Error("missiler-rettet is marked Rettet but not shown as a corrected version")
			}
			if len(s.EarlierVersions) != 1 || s.EarlierVersions[0].ID != "missiler" {
				t.Errorf("missiler-rettet: earlier versions %+v, want missiler", s.EarlierVersions)
			}
		case "praesident":
			if len(s.EarlierVersions) != 0 {
				t.Errorf("praesident shares only background paragraphs but has earlier versions %+v", s.EarlierVersions)
			}
		}
	}

	for i, id := range []string{"fodbold", "rente"} {
		g := groups[1+i]
		if g.Title != "" || len(g.Stories) != 1 || g.Stories[0].ID != id {
			t.Errorf("group %d = %q %v, want %s on its own, untitled", 1+i, g.Title, ids(g), id)
		}
	}
}

func TestOrganizeIsDeterministic(t *testing.T) {
	in := weekStories(t)
	want := Organize(in)
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 30; i++ {
		shuffled := append([]Story(nil), in...)
		r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		if got := Organize(shuffled); !reflect.DeepEqual(got, want) {
			t.Fatalf("input order %v changed the result", func() []string {
				var s []string
				for _, x := range shuffled {
					s = append(s, x.ID)
				}
				return s
			}())
		}
	}
}

func TestGroupTitleNamesWhatTheStoriesShare(t *testing.T) {
	ss := []Story{
		{ID: "a", Date: "2019-03", Headline: "North Korea fires two short-range missiles into the sea",
			Summary: "North Korea fired two short-range missiles into the Sea of Japan on Thursday, South Korea's military said. The launch came days after Kim Jong-un warned the United States over joint military exercises with South Korea."},
		{ID: "b", Date: "2019-02", Headline: "Koreas reopen liaison office at the border",
			Summary: "North Korea and South Korea reopened their liaison office in Kaesong on Monday. Kim Jong-un's sister Kim Yo-jong said the move would ease tension on the Korean peninsula."},
		{ID: "c", Date: "2019-02", Headline: "Kim Jong-un ready to meet Trump again, says Seoul",
			Summary: "South Korean President Moon Jae-in said on Sunday that North Korea's leader Kim Jong-un is ready for a third summit with President Donald Trump."},
	}
	groups := Organize(ss)
	if len(groups) != 1 {
		t.Fatalf("three Korea stories gave %d groups, want 1", len(groups))
	}
	if got, want := groups[0].Title, "Kim Jong-un · North Korea"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
}

func TestOneSharedNameDoesNotMakeAGroup(t *testing.T) {
	ss := []Story{
		{ID: "kim", Date: "2019-02", Headline: "Kim Jong-un ready to meet Trump again, says Seoul",
			Summary: "South Korean President Moon Jae-in said on Sunday that North Korea's leader Kim Jong-un is ready for a third summit with President Donald Trump."},
		{ID: "tariffs", Date: "2019-02", Headline: "Trump threatens tariffs on Mexican goods",
			Summary: "President Donald Trump threatened on Friday to impose tariffs of 5 percent on all goods from Mexico unless the country stops migrants crossing the border."},
	}
	if groups := Organize(ss); len(groups) != 2 {
		t.Errorf("a summit story and a tariff story that share only Donald Trump were grouped as %q", groups[0].Title)
	}
}

func TestOrganizeEmpty(t *testing.T) {
	if g := Organize(nil); len(g) != 0 {
		t.Errorf("no stories gave %d groups", len(g))
	}
}

// TestFoldShowsTheLatestVersion: versions of one story dated alike are
// shown latest first by their tags: an update ("Opdateret") after the
// plain text, a text the agency will resend ("Opdateres") before it.
func TestFoldShowsTheLatestVersion(t *testing.T) {
	body := []string{
		"Regeringen fremlægger tirsdag en plan for grøn omstilling af landbruget, som skal halvere udledningen inden 2030.",
		"Planen indeholder blandt andet en afgift på udledning fra husdyr og støtte til omlægning af marker til skov og natur.",
		"Oppositionen kalder planen for utilstrækkelig og kræver, at regeringen går længere, mens landbruget advarer mod tabte arbejdspladser.",
	}
	version := func(id, lede string) Story {
		return Story{ID: id, Date: "2019-02", Link: "articles/" + id + ".md", Fingerprint: FingerprintOf(append([]string{lede}, body...))}
	}
	// IDs in the reverse of the versions' order, so the tags must decide.
	groups := Organize([]Story{
		version("c-opdateres", "Opdateres: Regeringen fremlægger landbrugsplan"),
		version("a-opdateret", "Opdateret: Regeringen fremlægger landbrugsplan"),
		version("b-plain", "Regeringen fremlægger landbrugsplan"),
	})
	if len(groups) != 1 || len(groups[0].Stories) != 1 {
		t.Fatalf("got %d groups, want the three versions folded into one story", len(groups))
	}
	s := groups[0].Stories[0]
	var earlier []string
	for _, v := range s.EarlierVersions {
		earlier = append(earlier, v.ID)
	}
	if s.ID != "a-opdateret" || !s.Updated || !reflect.DeepEqual(earlier, []string{"b-plain", "c-opdateres"}) {
		t.Errorf("shown %s (updated %v) with earlier versions %v; want a-opdateret, then b-plain, c-opdateres", s.ID, s.Updated, earlier)
	}
}
