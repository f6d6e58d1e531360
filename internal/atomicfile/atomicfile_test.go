package atomicfile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brief-news/brief/internal/atomicfile"
)

// names lists a folder's entries, so a test can see leftovers.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func noTemps(t *testing.T, dir string) {
	t.Helper()
	for _, n := range names(t, dir) {
		if strings.Contains(n, ".tmp-") || isTemp(n) {
			t.Errorf("temp file %s left in %s", n, dir)
		}
	}
}

func TestWriteCreatesFoldersAndSetsPerm(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "out", "articles", "a.md")
	if err := atomicfile.Write(path, []byte("# Title\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != "# Title\n" {
		t.Errorf("content = %q", data)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("perm = %v, want 0600", info.Mode().Perm())
	}
	if got := names(t, filepath.Dir(path)); len(got) != 1 || got[0] != "a.md" {
		t.Errorf("folder holds %v, want only a.md", got)
	}
}

func TestWriteReplacesContentAndPerm(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "manifest.json")
	if err := os.WriteFile(path, []byte("old content that is longer than the new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(path, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if string(data) != "new" {
		t.Errorf("content = %q, want %q", data, "new")
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o644 {
		t.Errorf("perm = %v, want 0644", info.Mode().Perm())
	}
	// An empty write is a valid file, not a no-op.
	if err := atomicfile.Write(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); len(data) != 0 {
		t.Errorf("content = %q after writing nothing", data)
	}
	noTemps(t, dir)
}

func TestWriteOverADirectoryFailsAndCleansUp(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "briefing.md")
	if err := os.MkdirAll(filepath.Join(target, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := atomicfile.Write(target, []byte("text"), 0o644)
	if err == nil {
		t.Fatal("writing over a folder succeeded")
	}
	if !strings.Contains(err.Error(), target) {
		t.Errorf("error %q does not name %s", err, target)
	}
	noTemps(t, dir)
	if info, err := os.Stat(target); err != nil || !info.IsDir() {
		t.Errorf("the folder in the way was disturbed: %v", err)
	}

	// The failed rename names the temp file Write used: that name is what
	// a cleanup after a killed process finds, so TempTarget must know it.
	var le *os.LinkError
	if !errors.As(err, &le) {
		t.Fatalf("error %v is not from the rename", err)
	}
	tmp := filepath.Base(le.Old)
	if !isTemp(tmp) {
		t.Errorf("TempTarget(%q) = false for Write's own temp name", tmp)
	}
	// (named relative to the target's folder, which Write writes in)
	if filepath.Dir(le.Old) != "." {
		t.Errorf("temp file %s not in the target's folder (rename would cross devices)", le.Old)
	}
}

func TestWriteUnderARegularFileFails(t *testing.T) {
	// Root ignores permission bits, so a read-only folder would not fail
	// here; a parent that is a regular file fails for everyone.
	dir := t.TempDir()
	parent := filepath.Join(dir, "out")
	if err := os.WriteFile(parent, []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := atomicfile.Write(filepath.Join(parent, "sub", "a.md"), []byte("text"), 0o644)
	if err == nil {
		t.Fatal("writing below a regular file succeeded")
	}
	if !strings.Contains(err.Error(), parent) {
		t.Errorf("error %q does not name the folder", err)
	}
	if data, _ := os.ReadFile(parent); string(data) != "not a folder" {
		t.Errorf("the file in the way changed: %q", data)
	}
	noTemps(t, dir)
}

func TestFailedWriteKeepsOldContent(t *testing.T) {
	// A name so long that the temp name (".NAME.tmp-NNN") exceeds the
	// file system's 255-byte limit: the write fails after the target
	// exists, for root too.
	dir := t.TempDir()
	path := filepath.Join(dir, strings.Repeat("a", 250))
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(path, []byte("new"), 0o644); err == nil {
		t.Skip("file system accepts names over 255 bytes; cannot provoke the failure")
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("old content lost on a failed write: %q", data)
	}
	noTemps(t, dir)
}

func TestTempTarget(t *testing.T) {
	for name, want := range map[string]bool{
		".manifest.json.tmp-123456": true,
		".a.md.tmp-9":               true,
		"manifest.json":             false,
		".hidden":                   false,
		"a.tmp":                     false,
		".a.tmp":                    false,
		"a.md.tmp-1":                false, // not hidden: a user's file
		".brief.lock":               false,
		"":                          false,
		// only Write's exact pattern: a user's own dotfiles stay
		".notes.tmp-draft":     false,
		".a.md.tmp-12x":        false,
		".a.md.tmp-":           false,
		".x.tmp-12345678901":   false,
		".my.tmp-1.backup":     false,
		".briefing.md.tmp-007": true,
	} {
		if got := isTemp(name); got != want {
			t.Errorf("TempTarget(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestWriteIfChangedLeavesAnUnchangedFileAlone(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	path := filepath.Join(dir, "a.md")
	if err := atomicfile.WriteIfChangedIn(root, "a.md", []byte("same"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	os.Chtimes(path, old, old)
	if err := atomicfile.WriteIfChangedIn(root, "a.md", []byte("same"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); !fi.ModTime().Equal(old) {
		t.Errorf("an unchanged file was rewritten (mtime %v)", fi.ModTime())
	}
	if err := atomicfile.WriteIfChangedIn(root, "a.md", []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("a changed file was not written: %q", got)
	}
}

func TestWriteUnsyncedStillReplacesWholeFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "e.json")
	for _, v := range []string{"one", "two"} {
		if err := atomicfile.WriteUnsynced(path, []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != "two" {
		t.Errorf("got %q", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temp files left: %v", entries)
	}
}

func TestWriteInStaysInsideTheFolder(t *testing.T) {
	base := t.TempDir()
	out := filepath.Join(base, "out")
	outside := filepath.Join(base, "elsewhere")
	for _, d := range []string{out, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(out, "articles")); err != nil {
		t.Skipf("symlinks: %v", err)
	}
	if err := os.Symlink(secret, filepath.Join(out, "briefing.md")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(out)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()

	// a symlinked subfolder leading out: refused, nothing written there
	if err := atomicfile.WriteIn(root, "articles/a.md", []byte("x"), 0o644); err == nil {
		t.Error("wrote through a symlinked folder that leads outside")
	}
	if got := names(t, outside); len(got) != 1 {
		t.Errorf("the outside folder now holds %v", got)
	}
	if err := atomicfile.WriteIn(root, "../b.md", []byte("x"), 0o644); err == nil {
		t.Error("wrote to ../b.md")
	}
	// a symlink at the name itself is replaced, its target untouched
	if err := atomicfile.WriteIfChangedIn(root, "briefing.md", []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(secret); string(data) != "keep" {
		t.Errorf("the link's target was overwritten: %q", data)
	}
	if fi, err := os.Lstat(filepath.Join(out, "briefing.md")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("briefing.md is not a regular file now: %v %v", fi, err)
	}
	noTemps(t, out)
}

func isTemp(name string) bool {
	_, ok := atomicfile.TempTarget(name)
	return ok
}
