package render

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// element is a parsed HTML element: its name, attributes and text.
type element struct {
	name  string
	attr  map[string]string
	text  string   // all text inside, tags removed
	stack []string // names of the enclosing elements, outermost first
}

// parseHTML reads HTML with encoding/xml in its lenient HTML mode (void
// elements auto-closed, HTML entities known), which is enough for the
// well-formed output goldmark writes, and returns every element.
func parseHTML(t *testing.T, doc []byte) []element {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	var all []element
	var open []int // indexes into all
	var names []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("HTML does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := element{name: strings.ToLower(tok.Name.Local), attr: map[string]string{}, stack: append([]string(nil), names...)}
			for _, a := range tok.Attr {
				e.attr[strings.ToLower(a.Name.Local)] = a.Value
			}
			all = append(all, e)
			open = append(open, len(all)-1)
			names = append(names, e.name)
		case xml.EndElement:
			if len(open) > 0 {
				open = open[:len(open)-1]
				names = names[:len(names)-1]
			}
		case xml.CharData:
			for _, i := range open {
				all[i].text += string(tok)
			}
		}
	}
	return all
}

func elements(all []element, name string) []element {
	var out []element
	for _, e := range all {
		if e.name == name {
			out = append(out, e)
		}
	}
	return out
}
