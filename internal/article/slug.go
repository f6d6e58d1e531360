package article

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxSlugLen bounds an ID so "<id>.md" stays far below file-name limits
// (255 bytes) even with a collision suffix.
const maxSlugLen = 64

// Danish (and neighbouring) letters spelled the way Danes write them in
// ASCII, rather than dropped to a bare vowel: "Æble" is "aeble", not "ble".
var translit = map[rune]string{
	'æ': "ae", 'ø': "oe", 'å': "aa", 'ä': "ae", 'ö': "oe", 'ü': "ue",
	'ß': "ss", 'þ': "th", 'ð': "d", 'đ': "d", 'ł': "l", 'œ': "oe", 'ı': "i",
}

// Windows cannot create files with these names, whatever the extension.
var reserved = regexp.MustCompile(`^(con|prn|aux|nul|com[1-9]|lpt[1-9])$`)

// Slug makes a file-system-safe ID from a file name: the extension dropped,
// lowercase ASCII letters and digits, æ→ae, ø→oe, å→aa, other accents
// dropped (é→e), everything else a single '-'. It is never empty, never
// "." or "..", at most 64 bytes, and never a name Windows reserves.
func Slug(name string) string {
	base := name
	if ext := filepath.Ext(name); ext != "" && ext != name {
		base = strings.TrimSuffix(name, ext)
	}
	var b strings.Builder
	dash := false
	put := func(s string) {
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteString(s)
	}
	for _, r := range norm.NFC.String(strings.ToLower(base)) {
		if t, ok := translit[r]; ok {
			put(t)
			continue
		}
		// Decompose so é becomes e + accent and keep the base letter.
		for _, d := range norm.NFD.String(string(r)) {
			switch {
			case d >= 'a' && d <= 'z', d >= '0' && d <= '9':
				put(string(d))
			case unicode.Is(unicode.Mn, d):
				// an accent on a letter already written
			default:
				dash = true
			}
		}
	}
	s := b.String()
	if len(s) > maxSlugLen {
		s = strings.TrimRight(s[:maxSlugLen], "-")
	}
	s = cmp.Or(s, "article")
	if reserved.MatchString(s) {
		s += "-article"
	}
	return s
}

// UniqueIDs gives each path an ID (the Slug of its file name), unique within
// the list. When several paths share a slug ("a/nyhed.txt" and
// "b/nyhed.txt", or "Æble.txt" and "aeble.txt"), the one whose path sorts
// first keeps the plain slug and the others get "-" and six hex digits of a
// hash of their path. The result depends only on the set of paths, not on
// their order or the run, so weekly re-runs write to the same files; adding
// a new colliding file later renames only files whose path sorts after it.
func UniqueIDs(paths []string) []string {
	ids := make([]string, len(paths))
	for i, p := range paths {
		ids[i] = Slug(filepath.Base(p))
	}
	order := make([]int, len(paths))
	for i := range order {
		order[i] = i
	}
	key := func(i int) string { return filepath.ToSlash(filepath.Clean(paths[i])) }
	sort.SliceStable(order, func(x, y int) bool { return key(order[x]) < key(order[y]) })

	used := map[string]bool{}
	var suffixed []int
	for _, i := range order {
		if used[ids[i]] { // the slug is taken by a path that sorts first
			suffixed = append(suffixed, i)
			continue
		}
		used[ids[i]] = true
	}
	for _, i := range suffixed {
		sum := sha256.Sum256([]byte(key(i)))
		id := ids[i] + "-" + hex.EncodeToString(sum[:3])
		// A file literally named like another's suffixed ID, or the same
		// path listed twice: count up until free, still in path order.
		for n, try := 2, id; ; n++ {
			if !used[try] {
				id = try
				break
			}
			try = id + "-" + strconv.Itoa(n)
		}
		used[id] = true
		ids[i] = id
	}
	return ids
}
