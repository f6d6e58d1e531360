package render

import (
	"time"

	"github.com/brief-news/brief/internal/story"
	"github.com/brief-news/brief/internal/tokens"
	"github.com/brief-news/brief/translate/qa"
)

// Fixtures are invented news in the shape the pipeline produces: English
// translations of Danish wire copy, with the Danish news style's
// dash-quotes and the odd Markdown-active character a translation can
// carry.

var generated = time.Date(2026, 11, 28, 9, 30, 15, 500, time.UTC)

func sampleArticle() ArticlePage {
	return ArticlePage{
		Headline:  `Kim: "Vi vil mødes"`,
		Date:      "2019-02",
		Source:    "in/kontor: 2019.txt",
		Agency:    "ritzau/Reuters",
		SHA256:    "9f2c1e8a0b7d4c3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e",
		Model:     "llama3.1:8b",
		Lang:      "en",
		Generated: generated,
		Summary:   "North and South Korea reopened their liaison office in Kaesong on Monday. The office lets both sides talk without intermediaries.",
		KeyPoints: []string{
			"The office had been closed since the autumn",
			"- About 20 staff from each side will work there",
			"1. A first meeting is planned for March",
		},
		Lede: "North and South Korea have reopened the joint liaison office in the border town of Kaesong.",
		Paragraphs: []string{
			"North Korea and South Korea reopened the joint liaison office in Kaesong on Monday, which had been closed since the autumn.",
			"- It is a small step, but it means we can pick up the phone when a crisis arises, says Vice Minister Park Ji-hoon.",
			"1953 ended with an armistice, not a peace treaty.\n\nThe two Koreas are still formally at war.",
			"# of staff: 20 from each side, working *weekdays* only; costs are shared 50_50 <b>equally</b> & AT&amp;T pays nothing.",
			"> This line looks like a quote block but is text.",
			"1. division clubs were not affected.",
			"+ a plus sign, = an equals sign, [a bracket](not a link) and a `tick`.",
		},
		Warnings: []string{"Paragraph 3: the number 1953 is not in the source"},
	}
}

func sampleStory(id, date, headline string) story.Story {
	return story.Story{
		ID: id, Date: date, Headline: headline, Agency: "ritzau",
		Summary: "A summary of " + id + ".",
		Link:    "articles/" + id + ".md", Source: "in/" + id + ".txt",
		Usage: tokens.Usage{PromptTokens: 100, CompletionTokens: 50}, Generated: generated,
	}
}

func sampleBriefing() Briefing {
	kontor := sampleStory("kontor-2", "2019-02", "North and South Korea reopen liaison office in Kaesong")
	kontor.Summary = "North Korea and South Korea reopened their joint liaison office in Kaesong on Monday.\n- Officials called it a small step."
	kontor.EarlierVersions = []story.Link{{ID: "kontor-1", Headline: "Koreas reopen liaison office", Date: "2019-02", Link: "articles/kontor-1.md"}}
	missiles := sampleStory("missiler-rettet", "2019-02", "North Korea fires two short-range missiles")
	missiles.Corrected = true
	missiles.Warnings = []string{"Paragraph 2: 450 became 400", "Paragraph 5: untranslated Danish word \"generalstab\""}
	missiles.EarlierVersions = []story.Link{
		{ID: "missiler-opdateret", Headline: "North Korea fires missiles", Date: "2019-02", Link: "articles/missiler-opdateret.md", Updated: true},
		{ID: "missiler", Headline: "North Korea fires two missiles", Date: "2019-02", Link: "articles/missiler.md"},
	}
	visit := sampleStory("praesident", "2019-03", "South Korean president to visit the DMZ #1")
	rate := sampleStory("rente", "2019-01", "Danish central bank raises key interest rate")
	football := sampleStory("fodbold", "2018-10", "FC Copenhagen beat Brøndby 3-1 in the derby")
	football.Agency = ""
	stories := []story.Story{kontor, missiles, visit, rate, football}
	return Briefing{
		Period:  "October 2018 – March 2019",
		Digest:  "- Korea dominated the period: the two Koreas reopened their liaison office while the North fired missiles.\n\nIn Denmark the central bank raised its key rate after the ECB.",
		Stories: stories,
		Groups: []story.Group{
			{Title: "North Korea · South Korea", Stories: []story.Story{visit, kontor, missiles}},
			{Stories: []story.Story{rate}},
			{Stories: []story.Story{football}},
		},
		Problems: []Problem{
			{Source: "in/tom.txt", Status: "skipped", Reason: "the file is empty"},
			{Source: "in/lang.txt", Status: "failed", Reason: "translate: the model's answer had 3 paragraphs, the article 12"},
			{Source: "in/binaer.pdf", Status: "skipped", Reason: "not a text file"},
		},
		Run: RunFacts{
			Model: "llama3.1:8b", EndpointHost: "localhost:11434", Lang: "en",
			Started: generated, PromptTokens: 12345, OutputTokens: 2345,
			MemoryParagraphs: 7, MemoryTokens: 1234,
		},
	}
}

// reviewArticle is an article whose translation dropped a paragraph,
// changed a name and lost a score, with one finding from the model's
// review: what the review page must pin in place.
func reviewArticle() ArticlePage {
	p := ArticlePage{
		Headline: "Denmark through to the semi-final", Date: "2019-01", Source: "in/haandbold.txt",
		Agency: "ritzau", Model: "llama3.1:8b", Lang: "en", From: "da", Generated: generated,
		Summary: "Denmark beat Egypt and meet France in the semi-final.",
		Original: []string{
			"Danmark er i semifinalen ved VM i håndbold efter sejr over Egypten.",
			"Danmark vandt kvartfinalen 38-30 i Herning onsdag aften.",
			"- Vi spillede vores bedste kamp, siger landstræner Nikolaj Jacobsen.",
			"Semifinalen spilles fredag i Hamborg mod Frankrig.",
			"USA's udenrigsminister, Mike Pompeo, så kampen fra tribunen.",
		},
		Lede: "Denmark are in the semi-finals of the World Handball Championship after beating Egypt.",
		Paragraphs: []string{
			"Denmark won the quarter-final in Herning on Wednesday evening.",
			"- We played our best game, says national coach Nikolaj Jacobsen.",
			"US Secretary of State Mike Pompei watched the match from the stands.",
		},
		Pairs: []qa.Pair{{Source: 1, Translation: 1}, {Source: 2, Translation: 2}, {Source: 3, Translation: 3}, {Source: 4}, {Source: 5, Translation: 4}},
		Findings: []qa.Finding{
			{Code: "paragraph-count", Message: `paragraph 4 of the source ("Semifinalen spilles fredag i Hamborg…") is missing in the translation`, SourceParagraph: 4, Evidence: "Semifinalen spilles fredag i Hamborg mod Frankrig."},
			{Code: "missing-number", Message: "number 38-30 from the source (paragraph 2) is missing in the translation", SourceParagraph: 2, Paragraph: 2, Evidence: "38-30"},
			{Code: "name", Message: `the name "Pompeo" (paragraph 5) is "Pompei" in the translation`, SourceParagraph: 5, Paragraph: 4, Evidence: "Pompeo", TranslationEvidence: "Pompei"},
			{Code: "mistranslation", Message: `the model's review (minor): "best game" should be "best match"`, Paragraph: 3, TranslationEvidence: "best game", By: qa.ByModel, Severity: "minor"},
		},
	}
	p.Warnings = qa.Messages(p.Findings)
	return p
}
