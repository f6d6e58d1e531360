package tm

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/brief-news/brief/internal/lang"
	"github.com/brief-news/brief/internal/safetext"
)

// TMX 1.4b (https://www.gala-global.org/tmx-14b), the exchange format of
// translation memories: what translators' tools (memoQ, Trados, OmegaT,
// translate-toolkit) read and write. brief writes one <tu> per paragraph
// (segtype "paragraph"), plain text.

// Export writes the memory's pairs as a TMX 1.4b document and returns how
// many it wrote.
func (m *Memory) Export(w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n"+
		"  <header creationtool=\"brief\" creationtoolversion=\"1\" segtype=\"paragraph\" o-tmf=\"brief\" adminlang=\"en\" srclang=%s datatype=\"plaintext\"/>\n  <body>\n",
		attr(m.from))
	// The pairs are found by their entries' opening bytes (cache.Scan, in
	// key order, so the same pairs come out in the same order from any
	// cache): kind and identity, the pair's fields following.
	prefix, _ := json.Marshal(struct {
		Kind string `json:"tm"`
		ID   string `json:"id"`
	}{kindPair, m.id})
	n := 0
	err := m.c.Scan(prefix[:len(prefix)-1], func(data []byte) error {
		var e pairEntry
		if json.Unmarshal(data, &e) != nil || e.Kind != kindPair || e.ID != m.id {
			return nil
		}
		n++
		bw.WriteString("    <tu>\n")
		for _, v := range [2][2]string{{m.from, e.Source}, {m.to, e.Target}} {
			fmt.Fprintf(bw, "      <tuv xml:lang=%s><seg>", attr(v[0]))
			xml.EscapeText(bw, []byte(v[1]))
			bw.WriteString("</seg></tuv>\n")
		}
		bw.WriteString("    </tu>\n")
		return nil
	})
	if err != nil {
		return n, err
	}
	bw.WriteString("  </body>\n</tmx>\n")
	return n, bw.Flush()
}

func attr(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return `"` + b.String() + `"`
}

// maxTMX bounds what Import reads: a newsroom's memory of a few million
// paragraphs, not a file that never ends.
var maxTMX int64 = 512 << 20

// Import reads a TMX document and remembers each unit that has a segment
// in both of the memory's languages (by xml:lang, region aside: da-DK is
// da). A pair already remembered keeps its translation. It returns how
// many units it read with both languages and how many of them it stored.
func (m *Memory) Import(r io.Reader) (read, stored int, err error) {
	lr := &io.LimitedReader{R: r, N: maxTMX + 1} // N is 0 once past maxTMX
	dec := xml.NewDecoder(lr)
	var tu map[string]string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr.N == 0 {
				return read, stored, fmt.Errorf("the TMX file is over %d MB: split it", maxTMX>>20)
			}
			line, _ := dec.InputPos()
			return read, stored, fmt.Errorf("not a readable TMX file (line %d): %w", line, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "tu" {
				// A unit ends here: nothing read after it pairs with its segments.
				unit := tu
				tu = nil
				if len(unit) == 2 {
					read++
					// The translation is cleaned as a model's answer is (controls,
					// bidirectional and invisible characters): it goes into pages
					// with no check between.
					added, err := m.Remember(unit[m.from], safetext.Text(unit[m.to]))
					if err != nil {
						return read, stored, err
					}
					if added {
						stored++
					}
				}
			}
			continue
		}
		switch se.Name.Local {
		case "tu":
			tu = map[string]string{}
		case "tuv":
			if err := m.readTUV(dec, se, tu); err != nil {
				line, _ := dec.InputPos()
				return read, stored, fmt.Errorf("TMX line %d: %w", line, err)
			}
		}
	}
	return read, stored, nil
}

// readTUV reads one <tuv> into tu under the language it is in, when that
// is one of the memory's two.
func (m *Memory) readTUV(dec *xml.Decoder, se xml.StartElement, tu map[string]string) error {
	code := ""
	for _, a := range se.Attr {
		if a.Name.Local == "lang" { // xml:lang, or TMX 1.1's lang
			code = a.Value
		}
	}
	var seg strings.Builder
	inSeg, skip := false, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "seg":
				inSeg = true
			case inSeg && t.Name.Local != "hi":
				skip++ // bpt, ept, ph, it, ut: the original format's codes, not text
			}
		case xml.EndElement:
			switch {
			case t.Name.Local == "tuv":
				for _, want := range []string{m.from, m.to} {
					if tu != nil && code != "" && strings.EqualFold(lang.Base(code), lang.Base(want)) && strings.TrimSpace(seg.String()) != "" {
						tu[want] = seg.String()
					}
				}
				return nil
			case t.Name.Local == "seg":
				inSeg = false
			case inSeg && t.Name.Local != "hi":
				skip--
			}
		case xml.CharData:
			if inSeg && skip == 0 {
				if seg.Len()+len(t) > 4*MaxParagraph {
					return errors.New("a segment is over 64 KB: not a paragraph")
				}
				seg.Write(t)
			}
		}
	}
}
