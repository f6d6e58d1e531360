package render

import (
	"cmp"
	"fmt"
	"html"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/brief-news/brief/internal/story"
)

// The week at a glance: briefing.html opens with a small inline SVG (no
// script, no file beside it) of the stories per group across the dates the
// articles carry, a dot per group and date, sized by how many stories, in
// the warning colour when one of them needs a look. Its coordinates are
// pixels at a phone's width (360), and it is never drawn wider than 420
// px, so its 12 px labels stay legible on a phone and modest on a desktop.

const (
	chartRows   = 8   // groups drawn; the rest share the last row
	chartWidth  = 360 // the viewBox, in px at a phone's width
	chartLabelW = 120 // the group names' column
	chartRowH   = 24
)

// chartRow is one row of the chart: a group's name and its stories by date.
type chartRow struct {
	name  string
	dates map[string][2]int // date → stories, of which need a look
}

// chartData is the chart's rows (the groups of several stories, the first
// few, then one row for the rest) and the dates the stories carry, sorted.
func chartData(groups []story.Group) ([]chartRow, []string) {
	var rows []chartRow
	other := chartRow{name: "Other stories", dates: map[string][2]int{}}
	seen := map[string]bool{}
	for _, g := range groups {
		r := &other
		if len(g.Stories) > 1 && len(rows) < chartRows-1 {
			name := cmp.Or(oneLine(g.Title), oneLine(g.Stories[0].Headline))
			rows = append(rows, chartRow{name: name, dates: map[string][2]int{}})
			r = &rows[len(rows)-1]
		}
		for _, s := range g.Stories {
			if s.Date == "" {
				continue
			}
			c := r.dates[s.Date]
			c[0]++
			if len(s.Warnings) > 0 {
				c[1]++
			}
			r.dates[s.Date], seen[s.Date] = c, true
		}
	}
	if len(other.dates) > 0 {
		rows = append(rows, other)
	}
	return rows, slices.Sorted(maps.Keys(seen))
}

// weekChart is the SVG, a dot per date a row's stories carry, or "" when
// no story carries a date.
func weekChart(groups []story.Group) string {
	rows, dates := chartData(groups)
	if len(dates) == 0 {
		return ""
	}
	step := float64(chartWidth-chartLabelW-24) / float64(max(len(dates)-1, 1))
	height := len(rows)*chartRowH + 44
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="week" role="img" aria-labelledby="week-title" viewBox="0 0 %d %d" width="100%%" style="max-width:420px;display:block;margin:1rem 0" font-family="system-ui,sans-serif" font-size="12">`+"\n", chartWidth, height)
	b.WriteString(`<title id="week-title">Stories per group and date; orange: needs a look</title>` + "\n")
	for i, r := range rows {
		y := i*chartRowH + 16
		name := []rune(r.name)
		if len(name) > 18 {
			name = append(name[:17], '…')
		}
		fmt.Fprintf(&b, `<text x="0" y="%d" fill="#333">%s</text>`+"\n", y+4, html.EscapeString(string(name)))
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#e3e3e3"/>`+"\n", chartLabelW, y, chartWidth-8, y)
		for j, d := range dates {
			c, ok := r.dates[d]
			if !ok {
				continue
			}
			fill, what := "#0645ad", r.name+", "+humanDate(d)+": "+plural(c[0], "story", "stories")
			if c[1] > 0 {
				fill, what = "#d9822b", what+", "+strconv.Itoa(c[1])+" to check"
			}
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%d" r="%d" fill="%s"><title>%s</title></circle>`+"\n",
				float64(chartLabelW+8)+float64(j)*step, y, 4+min(c[0], 5), fill, html.EscapeString(what))
		}
	}
	y := len(rows)*chartRowH + 10
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#555">%s</text>`+"\n", chartLabelW, y, html.EscapeString(humanDate(dates[0])))
	if len(dates) > 1 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#555" text-anchor="end">%s</text>`+"\n", chartWidth-8, y, html.EscapeString(humanDate(dates[len(dates)-1])))
	}
	fmt.Fprintf(&b, `<circle cx="6" cy="%d" r="5" fill="#0645ad"/><text x="16" y="%d" fill="#555">story</text>`, y+20, y+24)
	fmt.Fprintf(&b, `<circle cx="70" cy="%d" r="5" fill="#d9822b"/><text x="80" y="%d" fill="#555">needs a look</text>`+"\n</svg>\n", y+20, y+24)
	return b.String()
}
