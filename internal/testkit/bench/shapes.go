package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The shapes suite: one article at a time, of a shape a newsroom's wire
// really sends (results tables, name lists, a paste without blank lines),
// to show that brief's cost follows an article's size and not its shape.
// The endpoint (EndpointConfig.Mangle) drops one paragraph of each
// translation and misspells one person, so the checks that line paragraphs
// up and compare names do their full work.

// Shapes are the article shapes of the suite, in report order.
var Shapes = []string{"wire", "tiny", "names", "numbers", "giant", "repeated"}

// The mangled translation: the paragraph with DropMarker is left out, and
// RenameFrom becomes RenameTo wherever it is.
const (
	DropMarker = "Redaktionel bemærkning"
	RenameFrom = "Pompeo"
	RenameTo   = "Pompei"
)

// WriteShape writes one article of the named shape, of at most size bytes
// (and close to it), to path. The same arguments give the same bytes.
func WriteShape(path, shape string, size int, seed uint64) error {
	body, err := shapeBody(shape, size-512, newGen(seed))
	if err != nil {
		return err
	}
	// The person the endpoint renames, early; the paragraph it drops, in
	// the middle, where an alignment has the most to get wrong.
	named := "USA's tidligere udenrigsminister Mike " + RenameFrom + " kommenterede sagen på et pressemøde i Washington."
	dropped := DropMarker + ": artiklen er opdateret med flere oplysninger fra Mike " + RenameFrom + "."
	mid := len(body) / 2
	paras := append(append(append([]string{named}, body[:mid]...), dropped), body[mid:]...)
	text := " date 2026-11 Et stort antal oplysninger er offentliggjort i " + shape + "-sagen.\n\n" +
		strings.Join(paras, "\n\n") + "\n\n/ritzau/\n"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

// shapeBody is the article's paragraphs, about size bytes in all.
func shapeBody(shape string, size int, g *gen) ([]string, error) {
	var next func(i int) string
	join := "\n\n"
	switch shape {
	case "wire": // ordinary wire paragraphs, as the corpus writes them
		next = func(i int) string { return g.wireParagraph(i) }
	case "tiny": // a results list: one short line per paragraph
		next = func(i int) string {
			return fmt.Sprintf("Nr. %d: %s, %d point.", i+1, g.pick(towns), g.r.IntN(100))
		}
	case "names": // a list of people, every name distinct
		next = func(i int) string {
			ns := make([]string, 8)
			for k := range ns {
				ns[k] = g.pick(firstNames) + " " + g.inventedName()
			}
			return "Blandt deltagerne var " + strings.Join(ns[:7], ", ") + " og " + ns[7] + "."
		}
	case "numbers": // a table of figures
		next = func(i int) string {
			return fmt.Sprintf("Række %d: %d.%03d kroner, %d,%d procent, kl. %02d.%02d, %d-%d og %d stemmer.",
				i+1, 1+g.r.IntN(999), g.r.IntN(1000), g.r.IntN(100), g.r.IntN(10), g.r.IntN(24), g.r.IntN(60),
				g.r.IntN(10), g.r.IntN(10), 100+g.r.IntN(90000))
		}
	case "giant": // one paragraph: a paste that lost its blank lines
		next = func(i int) string { return g.wireParagraph(i) }
		join = " "
	case "repeated": // the same paragraph over and over
		p := g.wireParagraph(1)
		next = func(int) string { return p }
	default:
		return nil, fmt.Errorf("unknown shape %q (want one of %s)", shape, strings.Join(Shapes, ", "))
	}
	var out []string
	n := 0
	for i := 0; ; i++ {
		p := next(i)
		if n+len(p)+len(join) > size {
			break
		}
		out = append(out, p)
		n += len(p) + len(join)
	}
	if join != "\n\n" {
		return []string{strings.Join(out, join)}, nil
	}
	return out, nil
}

// wireParagraph is a body paragraph of a corpus story.
func (g *gen) wireParagraph(i int) string {
	tp := topics[i%len(topics)]
	st := &draft{g: g, person: g.pick(firstNames) + " " + g.pick(lastNames), town: g.pick(towns), country: g.pick(countries)}
	if i%3 == 2 {
		return fmt.Sprintf("- %s, siger %s.", st.fill(g.pick(tp.quotes)), st.person)
	}
	return st.fill(g.pick(tp.body)) + " " + st.fill(g.pick(tp.body))
}

// inventedName is a surname made of syllables, so a long list of names
// has hardly a name twice.
func (g *gen) inventedName() string {
	syl := []string{"ba", "ber", "dal", "en", "fjor", "gaard", "holm", "is", "kjær", "lund", "mo", "nes", "ol", "pe",
		"rup", "sen", "strø", "tof", "ul", "vig", "ø", "å", "bro", "skov"}
	w := ""
	for range 2 + g.r.IntN(3) {
		w += g.pick(syl)
	}
	r := []rune(w)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// mangle is a careless model's translation: the paragraph with DropMarker
// left out, RenameFrom misspelt.
func mangle(translation string) string {
	ps := strings.Split(translation, "\n\n")
	out := ps[:0]
	for _, p := range ps {
		if !strings.Contains(p, strings.Fields(DropMarker)[0]) {
			out = append(out, p)
		}
	}
	return strings.ReplaceAll(strings.Join(out, "\n\n"), RenameFrom, RenameTo)
}

// ShapeResult is one article of one shape and size, run fresh and then
// again from the cache.
type ShapeResult struct {
	Shape        string
	Size         int // bytes
	First, Again Measurement
	// Outcome is how the article ended in each run: its status and any
	// findings count, or why brief ended without one.
	FirstOutcome, AgainOutcome string
}

// Targets of the shapes suite: a 1 MiB article of any shape.
const (
	TargetShapeCPU   = 2 * time.Second
	TargetShapeRSS   = 150 << 20
	TargetShapeScale = 12 // the 1 MiB figure over the 100 KB one
)

// Shape runs one article of the shape and size, with s.Timeout and
// s.MemLimit on each run, against an endpoint that mangles translations.
func (s *Suite) Shape(ctx context.Context, shape string, size int) (ShapeResult, error) {
	dir := filepath.Join(s.Work, fmt.Sprintf("shape-%s-%d", shape, size))
	in := filepath.Join(dir, "in")
	if err := WriteShape(filepath.Join(in, shape+".txt"), shape, size, s.Seed); err != nil {
		return ShapeResult{}, err
	}
	defer os.RemoveAll(dir)
	e := NewEndpoint(EndpointConfig{Slots: 1, Mangle: true})
	defer e.Close()
	r := s.newRun(fmt.Sprintf("shape-%s-%d", shape, size), e.URL(), in, "--max-size", strconv.Itoa(size+1))
	r.Jobs, r.Timeout, r.MemLimit = 1, s.ShapeTimeout, s.MemLimit
	defer cleanup(r)
	res := ShapeResult{Shape: shape, Size: size}
	var err error
	s.logf("shape %s, %d bytes: first run", shape, size)
	if res.First, res.FirstOutcome, err = r.measureAny(ctx); err != nil {
		return res, err
	}
	s.logf("shape %s, %d bytes: cached re-run", shape, size)
	res.Again, res.AgainOutcome, err = r.measureAny(ctx)
	return res, err
}

// measureAny runs brief and says how the article ended, whatever the exit
// code: a crash, a kill or a failed article is a figure here.
func (r Run) measureAny(ctx context.Context) (Measurement, string, error) {
	m, err := r.Exec(ctx)
	if ctx.Err() != nil {
		return m, "", ctx.Err()
	}
	switch {
	case m.Killed:
		return m, fmt.Sprintf("killed after %v", r.Timeout), nil
	case strings.Contains(m.Stderr, "out of memory"):
		return m, "crashed: out of memory", nil
	case strings.Contains(m.Stderr, "fatal error") || strings.Contains(m.Stderr, "panic:"):
		return m, fmt.Sprintf("crashed (exit %d)", m.ExitCode), nil
	case m.ExitCode < 0:
		return m, "", err
	}
	mf, merr := loadManifest(r.Out)
	if merr != nil || mf == nil || len(mf.Entries) != 1 {
		return m, fmt.Sprintf("exit %d, no manifest entry", m.ExitCode), nil
	}
	en := mf.Entries[0]
	if en.Error != "" {
		return m, fmt.Sprintf("%s: %s", en.Status, clip(en.Error, 80)), nil
	}
	return m, fmt.Sprintf("%s, %d findings", en.Status, len(en.Findings)), nil
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// DescribeShape is one line about a shape run.
func DescribeShape(r ShapeResult) string {
	return fmt.Sprintf("%s %s: first CPU %v, RSS %s (%s); cached CPU %v, RSS %s (%s)", r.Shape, kb(r.Size),
		r.First.CPU().Round(10*time.Millisecond), mb(r.First.MaxRSS), r.FirstOutcome,
		r.Again.CPU().Round(10*time.Millisecond), mb(r.Again.MaxRSS), r.AgainOutcome)
}

func kb(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KB", n/1000)
}

// ShapesMarkdown is the shapes table: per shape and size the CPU time and
// peak RSS of the first run and the cached re-run, and for the largest
// size whether it met the targets (its own and against the smallest).
func ShapesMarkdown(rs []ShapeResult) string {
	var b strings.Builder
	b.WriteString("| shape | size | first run: CPU, peak RSS | cached re-run: CPU, peak RSS | outcome (first / cached) | targets met? |\n|---|---|---|---|---|---|\n")
	smallest := map[string]ShapeResult{}
	for _, r := range rs {
		if s, ok := smallest[r.Shape]; !ok || r.Size < s.Size {
			smallest[r.Shape] = r
		}
	}
	for _, r := range rs {
		ok := ""
		if r.Size == 1<<20 {
			ok = met(shapeMet(r, smallest[r.Shape]))
		}
		fmt.Fprintf(&b, "| %s | %s | %.2f s, %s | %.2f s, %s | %s / %s | %s |\n", r.Shape, kb(r.Size),
			r.First.CPU().Seconds(), mb(r.First.MaxRSS), r.Again.CPU().Seconds(), mb(r.Again.MaxRSS),
			r.FirstOutcome, r.AgainOutcome, ok)
	}
	return b.String()
}

// shapeMet: within the 1 MiB targets on both runs, and not more than
// TargetShapeScale times the smallest size's CPU and RSS.
func shapeMet(r, small ShapeResult) bool {
	for _, p := range [][2]Measurement{{r.First, small.First}, {r.Again, small.Again}} {
		big, little := p[0], p[1]
		if big.Killed || big.CPU() > TargetShapeCPU || big.MaxRSS > TargetShapeRSS ||
			big.CPU() > TargetShapeScale*little.CPU() || big.MaxRSS > TargetShapeScale*little.MaxRSS {
			return false
		}
	}
	return true
}
