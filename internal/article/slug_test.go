package article

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// safeID is what an output file name may be built from.
var safeID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"nyhed.txt", "nyhed"},
		{"Æble.txt", "aeble"},
		{"Grøn Omstilling på Ærø.txt", "groen-omstilling-paa-aeroe"},
		{"000_3a8eb267268ea314.txt", "000-3a8eb267268ea314"},
		{"Café Über Straße.TXT", "cafe-ueber-strasse"},
		{"  --weird__name!!.txt", "weird-name"},
		{"rapport.2019.txt", "rapport-2019"},
		{"uden-endelse", "uden-endelse"},
		{".txt", "txt"},
		{"..", "article"},
		{".", "article"},
		{"!!!.txt", "article"},
		{"中文.txt", "article"},
		{"nul.txt", "nul-article"},
		{"CON.txt", "con-article"},
		{"com1.txt", "com1-article"},
		{"LPT9.txt", "lpt9-article"},
		{"com10.txt", "com10"},
		{strings.Repeat("lang ", 40) + ".txt", strings.TrimRight(strings.Repeat("lang-", 13), "-")},
	}
	for _, tt := range tests {
		got := Slug(tt.in)
		if got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !safeID.MatchString(got) || len(got) > maxSlugLen+len("-article") {
			t.Errorf("Slug(%q) = %q is not a safe ID", tt.in, got)
		}
	}
}

func TestUniqueIDs(t *testing.T) {
	paths := []string{"b/nyhed.txt", "a/nyhed.txt", "Æble.txt", "aeble.txt", "andet.txt"}
	ids := UniqueIDs(paths)

	// The path that sorts first keeps the plain slug; the others get a
	// suffix. All stay recognisable.
	if ids[1] != "nyhed" || ids[3] != "aeble" || ids[4] != "andet" {
		t.Errorf("plain slugs not kept for first-sorting paths: %q", ids)
	}
	for _, i := range []int{0, 2} {
		base := Slug(filepath.Base(paths[i]))
		if !strings.HasPrefix(ids[i], base+"-") || len(ids[i]) != len(base)+7 {
			t.Errorf("colliding %s got %q, want slug plus a 6-digit suffix", paths[i], ids[i])
		}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("duplicate ID %q in %q", id, ids)
		}
		seen[id] = true
	}

	// Same inputs in another order (another run, another argument order):
	// each path keeps its ID.
	rev := []string{paths[4], paths[3], paths[2], paths[1], paths[0]}
	ids2 := UniqueIDs(rev)
	for i, p := range rev {
		if ids2[i] != ids[len(paths)-1-i] {
			t.Errorf("%s: ID %q in one order, %q in another", p, ids[len(paths)-1-i], ids2[i])
		}
	}
}

func TestUniqueIDsAdversarial(t *testing.T) {
	// A file literally named like another's suffixed ID, and one path twice.
	first := UniqueIDs([]string{"a/x.txt", "b/x.txt"})
	paths := []string{"a/x.txt", "b/x.txt", first[1] + ".txt", "b/x.txt"}
	ids := UniqueIDs(paths)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || !safeID.MatchString(id) {
			t.Fatalf("IDs not unique and safe: %q", ids)
		}
		seen[id] = true
	}
	if ids[2] != first[1] {
		t.Errorf("the file named %q should keep its own name, got %q (all: %q)", paths[2], ids[2], ids)
	}
}
