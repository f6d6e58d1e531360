package render

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The review page is checked in a real browser: headless Chromium from the
// distribution (apt-get install chromium; .ci/run installs it). It loads
// the page exactly as brief writes it, plus a script that measures where
// the browser put each paragraph, at a desktop and at a phone width, takes
// screenshots and prints the page to PDF.

// browser is the Chromium binary, or the test is skipped.
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on PATH (apt-get install chromium): the review page's layout is not checked in a browser")
	return ""
}

// measure is appended to the page under test: after load it writes, into
// an attribute of <body>, where each pair's source and translation are and
// what is highlighted, so --dump-dom carries the layout out.
const measure = `<script>
addEventListener("load", () => {
  const box = e => { const r = e.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const pairs = [...document.querySelectorAll(".pair:not(.head)")].map(p => ({
    id: p.id, flagged: p.classList.contains("flagged"),
    src: box(p.querySelector(".src")), tr: box(p.querySelector(".tr")),
    srcMarks: [...p.querySelectorAll(".src mark")].map(m => m.textContent),
    trMarks: [...p.querySelectorAll(".tr mark")].map(m => m.textContent),
    notes: [...p.querySelectorAll(".notes li")].map(n => n.textContent),
    markBackground: [...p.querySelectorAll("mark")].map(m => getComputedStyle(m).backgroundColor),
  }));
  // In a frame (a phone's width, see layoutAt) the page writes into the
  // top document, which is what --dump-dom prints.
  // A word of the paragraph labels ("lede", "from memory") split across
  // lines: its text spans more than one line box.
  const broken = [...document.querySelectorAll(".pair .num span")].flatMap(s => {
    const text = s.firstChild, words = [];
    let at = 0;
    for (const w of text.textContent.split(" ")) {
      const r = document.createRange();
      r.setStart(text, at); r.setEnd(text, at + w.length);
      if (r.getClientRects().length > 1) words.push(w);
      at += w.length + 1;
    }
    return words;
  });
  const out = window.top !== window ? window.top.document.body : document.body;
  out.setAttribute("data-layout", JSON.stringify({width: innerWidth, scrollWidth: document.documentElement.scrollWidth, pairs, broken}));
});
</script>`

type rect struct{ Left, Top, Right, Bottom float64 }

type pairLayout struct {
	ID             string
	Flagged        bool
	Src, Tr        rect
	SrcMarks       []string
	TrMarks        []string
	Notes          []string
	MarkBackground []string
}

type pageLayout struct {
	Width       float64
	ScrollWidth float64
	Pairs       []pairLayout
	Broken      []string // label words split across lines
}

// chromium runs the browser headless, isolated (fresh profile, no network
// services) with the given window size and extra arguments.
func chromium(t *testing.T, bin, dir string, width, height int, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir=" + filepath.Join(dir, "profile"),
		"--window-size=" + strconv.Itoa(width) + "," + strconv.Itoa(height),
	}, args...)
	cmd := exec.CommandContext(ctx, bin, all...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

var layoutAttr = regexp.MustCompile(`data-layout="([^"]*)"`)

// framed runs Chromium on page in a frame of width x height px: headless
// Chromium makes no window narrower than 500 px, and a phone is 390.
func framed(t *testing.T, bin, dir, page string, width, height int, args ...string) []byte {
	t.Helper()
	frame := filepath.Join(dir, "frame.html")
	doc := fmt.Sprintf(`<!DOCTYPE html><body style="margin:0"><iframe src="file://%s" style="border:0;width:%dpx;height:%dpx"></iframe></body>`, page, width, height)
	if err := os.WriteFile(frame, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return chromium(t, bin, dir, max(width, 800), height, append([]string{"--allow-file-access-from-files"}, append(args, "file://"+frame)...)...)
}

// measureAt loads page at width x height px and decodes what its measuring
// script wrote into the data-layout attribute.
func measureAt(t *testing.T, bin, dir, page string, width, height int, into any) {
	t.Helper()
	dom := framed(t, bin, dir, page, width, height, "--dump-dom")
	m := layoutAttr.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("the measuring script did not run at %dx%d; DOM:\n%s", width, height, dom)
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), into); err != nil {
		t.Fatal(err)
	}
}

func layoutAt(t *testing.T, bin, dir, page string, width, height int) pageLayout {
	t.Helper()
	var l pageLayout
	measureAt(t, bin, dir, page, width, height, &l)
	if len(l.Pairs) == 0 {
		t.Fatalf("no paragraph pairs on the page at %dx%d", width, height)
	}
	if len(l.Broken) > 0 {
		t.Errorf("at %dx%d the paragraph labels break inside the words %q", width, height, l.Broken)
	}
	if l.Width != float64(width) {
		t.Fatalf("the page was measured %v px wide, want %d", l.Width, width)
	}
	return l
}

func TestReviewPageInBrowser(t *testing.T) {
	bin := browser(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "review.html")
	a := reviewArticle()
	a.Memory = []int{1, 2} // the lede and the next paragraph carry "from memory"
	doc := strings.Replace(string(ArticleHTML(a)), "</body>", measure+"\n</body>", 1)
	if err := os.WriteFile(page, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("desktop: source beside translation", func(t *testing.T) {
		l := layoutAt(t, bin, dir, page, 1280, 900)
		for _, p := range l.Pairs {
			if p.Tr.Left < p.Src.Right || absf(p.Tr.Top-p.Src.Top) > 1 {
				t.Errorf("pair %s: translation is not beside the source (source %+v, translation %+v)", p.ID, p.Src, p.Tr)
			}
		}
		checkMarks(t, l)
		if l.ScrollWidth > l.Width+1 {
			t.Errorf("the page scrolls sideways at %v px: %v px wide", l.Width, l.ScrollWidth)
		}
	})
	t.Run("phone: the pairs stack", func(t *testing.T) {
		l := layoutAt(t, bin, dir, page, 390, 844)
		for _, p := range l.Pairs {
			if p.Tr.Top < p.Src.Bottom-1 {
				t.Errorf("pair %s: translation is not below the source on a phone (source %+v, translation %+v)", p.ID, p.Src, p.Tr)
			}
		}
		checkMarks(t, l)
		if l.ScrollWidth > l.Width+1 {
			t.Errorf("the page scrolls sideways on a phone: %v px wide in a %v px screen", l.ScrollWidth, l.Width)
		}
	})
	t.Run("screenshots show the highlighted evidence", func(t *testing.T) {
		for _, size := range [][2]int{{1280, 2000}, {390, 3000}} {
			shot := filepath.Join(dir, "shot.png")
			chromium(t, bin, dir, size[0], size[1], "--screenshot="+shot, "file://"+page)
			if n := markPixels(t, shot); n < 200 {
				t.Errorf("%dx%d screenshot: %d pixels in the highlight colour, want the evidence visibly marked", size[0], size[1], n)
			}
			if os.Getenv("BRIEF_KEEP_SCREENSHOTS") != "" {
				keep := filepath.Join(os.Getenv("BRIEF_KEEP_SCREENSHOTS"), "review-"+strconv.Itoa(size[0])+".png")
				data, _ := os.ReadFile(shot)
				_ = os.WriteFile(keep, data, 0o644)
			}
		}
	})
	t.Run("print", func(t *testing.T) {
		pdf := filepath.Join(dir, "review.pdf")
		chromium(t, bin, dir, 1280, 900, "--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+page)
		data, err := os.ReadFile(pdf)
		if err != nil || !bytes.HasPrefix(data, []byte("%PDF")) {
			t.Fatalf("printing the page gave no PDF: %v", err)
		}
	})
}

// checkMarks asserts what the editor must see highlighted, in place: the
// dropped paragraph's source, the lost score, both forms of the name.
func checkMarks(t *testing.T, l pageLayout) {
	t.Helper()
	want := map[string][2]string{
		"p2": {"38-30", ""},
		"p4": {"Semifinalen spilles fredag i Hamborg mod Frankrig.", ""},
		"p5": {"Pompeo", "Pompei"},
	}
	for _, p := range l.Pairs {
		w, ok := want[p.ID]
		if !ok {
			continue
		}
		delete(want, p.ID)
		if !p.Flagged || len(p.Notes) == 0 {
			t.Errorf("pair %s is not marked with its finding", p.ID)
		}
		if strings.Join(p.SrcMarks, "|") != w[0] || strings.Join(p.TrMarks, "|") != w[1] {
			t.Errorf("pair %s highlights source %q, translation %q; want %q, %q", p.ID, p.SrcMarks, p.TrMarks, w[0], w[1])
		}
		for _, bg := range p.MarkBackground {
			if bg == "rgba(0, 0, 0, 0)" || bg == "transparent" {
				t.Errorf("pair %s: a highlight has no background colour", p.ID)
			}
		}
	}
	for id := range want {
		t.Errorf("pair %s is not on the page", id)
	}
}

// markPixels counts pixels in the highlight colour (#ffd54a).
func markPixels(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, 0xff) && near(g>>8, 0xd5) && near(bl>>8, 0x4a) {
				n++
			}
		}
	}
	return n
}

func near(a uint32, b uint32) bool { return a+6 >= b && a <= b+6 }

func absf(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestReviewPageLongWordsInBrowser: a URL or a long token cannot be broken
// at a space, so without help it widens its column: the page scrolled
// sideways on a 91-character URL (1393 px wide at 1280) and a long token
// pushed the translation off the screen.
func TestReviewPageLongWordsInBrowser(t *testing.T) {
	bin := browser(t)
	dir := t.TempDir()
	p := reviewArticle()
	// Nothing to break at after the host: a tracking link's token.
	url := "https://l.dr.dk/" + strings.Repeat("Q2FsbGJhY2tUb2tlbg", 4) + "x34"
	if len(url) != 91 {
		t.Fatalf("the URL is %d characters, want 91", len(url))
	}
	// The URL stays as it is in the translation, so both columns hold it.
	p.Original[1] += " Se mere: " + url
	p.Paragraphs[0] += " See more: " + url
	// A token with no break opportunity (a hash, a long compound).
	p.Paragraphs[1] += " " + strings.Repeat("e3b0c44298fc1c149afbf4c8996fb924", 4)
	page := filepath.Join(dir, "review.html")
	doc := strings.Replace(string(ArticleHTML(p)), "</body>", measure+"\n</body>", 1)
	if err := os.WriteFile(page, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{1280, 900}, {390, 844}} {
		l := layoutAt(t, bin, dir, page, size[0], size[1])
		if l.ScrollWidth > l.Width+1 {
			t.Errorf("at %v px the page scrolls sideways: %v px wide", l.Width, l.ScrollWidth)
		}
		for _, pr := range l.Pairs {
			if pr.Src.Right > l.Width+1 || pr.Tr.Right > l.Width+1 {
				t.Errorf("at %v px pair %s reaches past the screen: source to %v px, translation to %v px", l.Width, pr.ID, pr.Src.Right, pr.Tr.Right)
			}
		}
	}
}

// measureChart is appended to briefing.html: it writes where the browser
// drew the picture of the week, how tall its labels are and its dots.
const measureChart = `<script>
addEventListener("load", () => {
  const svg = document.querySelector("svg.week");
  const box = e => { const r = e.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const dots = svg ? [...svg.querySelectorAll("circle")] : [];
  const out = window.top !== window ? window.top.document.body : document.body;
  out.setAttribute("data-layout", JSON.stringify({width: innerWidth, scrollWidth: document.documentElement.scrollWidth,
    chart: svg ? box(svg) : null,
    labels: svg ? [...svg.querySelectorAll("text")].map(t => t.getBoundingClientRect().height) : [],
    dots: dots.length, orange: dots.filter(c => getComputedStyle(c).fill === "rgb(217, 130, 43)").length}));
});
</script>`

type chartLayout struct {
	Width, ScrollWidth float64
	Chart              *rect
	Labels             []float64
	Dots, Orange       int
}

// The picture of the week is drawn inside the page at a phone's width and
// a desktop's, with labels an editor can read, a dot per group and date and
// the dot of the stories that need a look in the warning colour.
func TestBriefingChartInBrowser(t *testing.T) {
	bin := browser(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "briefing.html")
	doc := strings.Replace(string(BriefingHTML(sampleBriefing())), "</body>", measureChart+"\n</body>", 1)
	if err := os.WriteFile(page, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{390, 1280} {
		var l chartLayout
		measureAt(t, bin, dir, page, width, 900, &l)
		switch {
		case l.Chart == nil:
			t.Fatalf("%d px: no picture of the week in briefing.html", width)
		case l.Chart.Left < 0 || l.Chart.Right > l.Width || l.ScrollWidth > l.Width+1:
			t.Errorf("%d px: the picture (%+v) or the page (%v px) does not fit the screen", width, *l.Chart, l.ScrollWidth)
		case l.Chart.Bottom-l.Chart.Top < 60:
			t.Errorf("%d px: the picture is %v px tall: not drawn", width, l.Chart.Bottom-l.Chart.Top)
		}
		for _, h := range l.Labels {
			if h < 11 || h > 24 {
				t.Errorf("%d px: a label is drawn %v px tall, want 11 to 24 (legible, not shouting)", width, h)
			}
		}
		// four group and date dots (one orange) and the key's two
		if l.Dots != 6 || l.Orange != 2 || len(l.Labels) < 6 {
			t.Errorf("%d px: %d dots, %d orange, %d labels; want 6, 2 and the groups, dates and key", width, l.Dots, l.Orange, len(l.Labels))
		}
		if os.Getenv("BRIEF_KEEP_SCREENSHOTS") != "" {
			shot := filepath.Join(os.Getenv("BRIEF_KEEP_SCREENSHOTS"), "briefing-"+strconv.Itoa(width)+".png")
			framed(t, bin, dir, page, width, 2400, "--screenshot="+shot)
		}
	}
}
