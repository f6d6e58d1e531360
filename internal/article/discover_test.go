package article

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const sample = " date 2024-01 En kort nyhed.\n\nBrødtekst.\n\n/ritzau/"

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks not available here: %v", err)
	}
}

// chdir runs the test in dir so paths read as a user types them.
func chdir(t *testing.T, dir string) {
	t.Helper()
	t.Chdir(dir)
}

type got struct{ path, skip string }

func summary(ins []Input) []got {
	var out []got
	for _, in := range ins {
		out = append(out, got{path: filepath.ToSlash(in.Path), skip: in.Skip})
	}
	return out
}

func TestDiscoverFolder(t *testing.T) {
	root := t.TempDir()
	chdir(t, root)
	write(t, "in/b.txt", sample)
	write(t, "in/a.txt", sample)
	write(t, "in/sub/deep/c.TXT", sample)
	write(t, "in/sub/noter.md", sample)       // not *.txt below a folder
	write(t, "in/.skjult.txt", sample)        // hidden file
	write(t, "in/.git/objects/x.txt", sample) // hidden folder
	write(t, "in/out/articles/old.txt", sample)
	write(t, "udenfor/hemmelig.txt", sample)
	if err := os.MkdirAll("udenfor/mappe", 0o755); err != nil {
		t.Fatal(err)
	}
	symlink(t, "sub/deep/c.TXT", "in/genvej.txt")      // inside: same file as c.TXT
	symlink(t, "../udenfor/hemmelig.txt", "in/ud.txt") // outside: not followed
	symlink(t, "findes-ikke.txt", "in/brudt.txt")      // broken
	symlink(t, "..", "in/sub/loop")                    // cycle back to in/
	symlink(t, "../udenfor/mappe", "in/ekstern")       // folder outside

	ins, err := Discover([]string{"in"}, "in/out")
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.EvalSymlinks(filepath.Join(root, "udenfor"))
	want := []got{
		{path: "in/.skjult.txt", skip: ReasonHidden},
		{path: "in/a.txt"},
		{path: "in/b.txt"},
		{path: "in/brudt.txt", skip: "broken symlink: findes-ikke.txt does not exist"},
		{path: "in/ekstern", skip: "symlinked folder points outside the input folder (to " + filepath.Join(abs, "mappe") + "); not followed: name it on the command line to include it"},
		// genvej.txt sorts before sub/ and points at sub/deep/c.TXT, so the
		// file is listed once, under the first name met.
		{path: "in/genvej.txt"},
		{path: "in/ud.txt", skip: "symlink points outside the input folder (to " + filepath.Join(abs, "hemmelig.txt") + "); not followed: name it on the command line to include it"},
	}
	if g := summary(ins); !reflect.DeepEqual(g, want) {
		t.Errorf("Discover =\n%q\nwant\n%q", g, want)
	}

	// Without the exclusion the output folder's .txt is an input like any.
	ins, _ = Discover([]string{"in"})
	if g := summary(ins); len(g) != len(want)+1 || g[6].path != "in/out/articles/old.txt" {
		t.Errorf("without Exclude: %q", g)
	}
}

func TestDiscoverSymlinkLoop(t *testing.T) {
	chdir(t, t.TempDir())
	write(t, "in/ok.txt", sample)
	symlink(t, "b.txt", "in/a.txt")
	symlink(t, "a.txt", "in/b.txt")
	ins, err := Discover([]string{"in"})
	if err != nil {
		t.Fatal(err)
	}
	want := []got{
		{path: "in/a.txt", skip: "symlink to b.txt cannot be followed (a symlink loop?)"},
		{path: "in/b.txt", skip: "symlink to a.txt cannot be followed (a symlink loop?)"},
		{path: "in/ok.txt"},
	}
	if g := summary(ins); !reflect.DeepEqual(g, want) {
		t.Errorf("got %q, want %q", g, want)
	}
}

func TestDiscoverSubfolderFileFoundOnce(t *testing.T) {
	chdir(t, t.TempDir())
	write(t, "in/z/c.txt", sample)
	write(t, "in/a.txt", sample)
	// The file named on its own, then again through its folder, then in
	// another spelling: listed once, first name wins.
	ins, err := Discover([]string{"in/z/c.txt", "./in", "in/z/../z/c.txt", "in/a.txt"})
	if err != nil {
		t.Fatal(err)
	}
	want := []got{{path: "in/z/c.txt"}, {path: "in/a.txt"}}
	if g := summary(ins); !reflect.DeepEqual(g, want) {
		t.Errorf("got %q, want %q", g, want)
	}
}

func TestDiscoverExplicitFiles(t *testing.T) {
	chdir(t, t.TempDir())
	write(t, "nyhed.md", sample)
	write(t, ".skjult", sample)
	write(t, "udenfor/artikel.txt", sample)
	symlink(t, "udenfor/artikel.txt", "link.txt")
	// Named on the command line: any extension, hidden or not, symlink or
	// not, is taken as given.
	ins, err := Discover([]string{"nyhed.md", ".skjult", "link.txt"})
	if err != nil {
		t.Fatal(err)
	}
	want := []got{{path: "nyhed.md"}, {path: ".skjult"}, {path: "link.txt"}}
	if g := summary(ins); !reflect.DeepEqual(g, want) {
		t.Errorf("got %q, want %q", g, want)
	}
}

func TestDiscoverMissingPath(t *testing.T) {
	chdir(t, t.TempDir())
	write(t, "findes.txt", sample)
	symlink(t, "væk.txt", "død-genvej.txt")
	ins, err := Discover([]string{"findes.txt", "mangler", "nyheder/uge12", "død-genvej.txt"})
	if err == nil {
		t.Fatalf("no error for missing paths; inputs %q", summary(ins))
	}
	if ins != nil {
		t.Errorf("inputs returned alongside the error: %q", summary(ins))
	}
	for _, w := range []string{
		"no such file or folder: mangler",
		"no such file or folder: nyheder/uge12",
		"død-genvej.txt is a symlink to væk.txt, which does not exist",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

func TestDiscoverOutputFolderAroundInput(t *testing.T) {
	// Output "." with input "news/" inside it must not exclude the input.
	chdir(t, t.TempDir())
	write(t, "news/a.txt", sample)
	ins, err := Discover([]string{"news"}, ".")
	if err != nil || len(ins) != 1 {
		t.Fatalf("got %q, %v", summary(ins), err)
	}
}

func TestDiscoverUniqueIDs(t *testing.T) {
	chdir(t, t.TempDir())
	write(t, "a/nyhed.txt", sample)
	write(t, "b/nyhed.txt", sample)
	write(t, "b/Æble.txt", sample)
	write(t, "b/aeble.txt", sample)
	run := func(args ...string) map[string]string {
		ins, err := Discover(args)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		seen := map[string]bool{}
		for _, in := range ins {
			if seen[in.ID] || !safeID.MatchString(in.ID) {
				t.Fatalf("ID %q not unique or not safe", in.ID)
			}
			seen[in.ID] = true
			m[filepath.ToSlash(in.Path)] = in.ID
		}
		return m
	}
	first := run("a", "b")
	if len(first) != 4 || first["a/nyhed.txt"] != "nyhed" || first["b/aeble.txt"] != "aeble" {
		t.Errorf("IDs: %v", first)
	}
	// Next week, arguments in another order: the same files, the same IDs.
	if again := run("b", "a"); !reflect.DeepEqual(again, first) {
		t.Errorf("IDs changed between runs:\n%v\n%v", first, again)
	}
}

func TestReadInputOverFixtures(t *testing.T) {
	// The whole fixture folder as a user would run it: the awkward files are
	// skipped with their reasons and none stops the others.
	ins, err := Discover([]string{fixtures})
	if err != nil {
		t.Fatal(err)
	}
	wantSkip := map[string]string{
		"awkward/binary.txt":      ReasonBinary,
		"awkward/empty.txt":       ReasonEmpty,
		"awkward/header-only.txt": ReasonNoBody,
		"awkward/whitespace.txt":  ReasonEmpty,
	}
	ok := 0
	var order []string
	for _, in := range ins {
		rel, _ := filepath.Rel(fixtures, in.Path)
		rel = filepath.ToSlash(rel)
		order = append(order, rel)
		a, err := ReadInput(in, 0)
		if a.ID != in.ID || a.Path != in.Path {
			t.Errorf("%s: article ID/Path %q/%q, input %q/%q", rel, a.ID, a.Path, in.ID, in.Path)
		}
		var se *SkipError
		switch {
		case wantSkip[rel] != "":
			if !errors.As(err, &se) || se.Reason != wantSkip[rel] {
				t.Errorf("%s: err = %v, want skip %q", rel, err, wantSkip[rel])
			}
		case err != nil:
			t.Errorf("%s: %v", rel, err)
		default:
			ok++
		}
	}
	if ok != 9 {
		t.Errorf("%d articles parsed, want 9 (5 stories + cp1252, bom-crlf, utf16, no-header)", ok)
	}
	if order[0] != "awkward/binary.txt" || order[len(order)-1] != "vulkan-island.txt" {
		t.Errorf("not sorted by path: %q", order)
	}
}

func TestReadFileSizeBeforeRead(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "enorm.txt")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: 2 GB on paper, nothing on disk. Were it read, it would be all
	// NULs and skipped as binary, so the reason shows it was not read.
	if err := f.Truncate(2 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	a, err := ReadFile(huge, 0)
	var se *SkipError
	if !errors.As(err, &se) || se.Reason != "file is 2 GB, over the 1 MB limit: raise --max-size or split it" {
		t.Fatalf("err = %v", err)
	}
	if a.Path != huge || a.ID != "enorm" {
		t.Errorf("skipped article lacks Path/ID: %+v", a)
	}
	small := filepath.Join(dir, "lille.txt")
	write(t, small, sample)
	a, err = ReadFile(small, 10)
	if !errors.As(err, &se) || se.Reason != fmt.Sprintf("file is %d bytes, over the 10 bytes limit: raise --max-size or split it", len(sample)) {
		t.Fatalf("err = %v", err)
	}
	if a, err = ReadFile(small, 0); err != nil || a.Lede != "En kort nyhed." {
		t.Fatalf("ReadFile = %+v, %v", a, err)
	}
}

func TestReadFileProblems(t *testing.T) {
	dir := t.TempDir()
	var se *SkipError
	if _, err := ReadFile(filepath.Join(dir, "væk.txt"), 0); !errors.As(err, &se) || se.Reason != ReasonDisappeared {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadFile(dir, 0); !errors.As(err, &se) || se.Reason != ReasonIsFolder {
		t.Errorf("folder: %v", err)
	}
	if _, err := ReadInput(Input{Path: "x.txt", ID: "x", Skip: "broken symlink"}, 0); !errors.As(err, &se) || se.Reason != "broken symlink" || se.Path != "x.txt" {
		t.Errorf("ReadInput of a skipped input: %v", err)
	}
}

func TestReadFileUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their permissions")
	}
	p := filepath.Join(t.TempDir(), "laast.txt")
	write(t, p, sample)
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	var se *SkipError
	if _, err := ReadFile(p, 0); !errors.As(err, &se) || se.Reason != ReasonUnreadable {
		t.Errorf("err = %v", err)
	}
}

// A file listed inside the folder and swapped for a symlink to a file
// outside it before it is read is not read: the secret never reaches the
// model. The swap happens between Discover and ReadInput, as in a run.
func TestReadInputFileSwappedForOutsideSymlink(t *testing.T) {
	base := t.TempDir()
	in := filepath.Join(base, "in")
	write(t, filepath.Join(in, "zzz.txt"), sample)
	secret := filepath.Join(base, "hemmelig.txt")
	write(t, secret, " date 2024-01 Hemmeligt indhold.\n\nKun til intern brug.\n\n/ritzau/")
	ins, err := Discover([]string{in})
	if err != nil || len(ins) != 1 {
		t.Fatalf("Discover = %v, %v", ins, err)
	}
	if err := os.Remove(filepath.Join(in, "zzz.txt")); err != nil {
		t.Fatal(err)
	}
	symlink(t, secret, filepath.Join(in, "zzz.txt"))
	a, err := ReadInput(ins[0], 0)
	var se *SkipError
	if !errors.As(err, &se) || se.Reason != ReasonEscapes {
		t.Fatalf("err = %v, want skip %q", err, ReasonEscapes)
	}
	if strings.Contains(a.Lede+strings.Join(a.Paragraphs, ""), "Hemmeligt") {
		t.Fatal("the file outside the folder was read")
	}

	// A relative link that climbs out is refused the same way.
	os.Remove(filepath.Join(in, "zzz.txt"))
	symlink(t, "../hemmelig.txt", filepath.Join(in, "zzz.txt"))
	if _, err := ReadInput(ins[0], 0); !errors.As(err, &se) || se.Reason != ReasonEscapes {
		t.Fatalf("relative link out: err = %v, want skip %q", err, ReasonEscapes)
	}
}

// Links inside the folder, absolute or relative, are still read through the
// folder's os.Root.
func TestReadInputSymlinkInsideFolder(t *testing.T) {
	in := t.TempDir()
	write(t, filepath.Join(in, ".lager", "a.txt"), sample)
	write(t, filepath.Join(in, ".lager", "b.txt"), sample)
	symlink(t, filepath.Join(in, ".lager", "a.txt"), filepath.Join(in, "abs.txt"))
	symlink(t, filepath.Join(".lager", "b.txt"), filepath.Join(in, "rel.txt"))
	ins, err := Discover([]string{in})
	if err != nil || len(ins) != 2 {
		t.Fatalf("Discover = %+v, %v", ins, err)
	}
	for _, x := range ins {
		a, err := ReadInput(x, 0)
		if err != nil || a.Lede != "En kort nyhed." {
			t.Fatalf("%s: ReadInput = %+v, %v", x.Path, a, err)
		}
	}
}
