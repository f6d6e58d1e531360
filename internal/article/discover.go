package article

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/brief-news/brief/internal/atomicfile"
	"github.com/brief-news/brief/internal/safetext"
)

// Input is one file to read, as Discover found it.
type Input struct {
	// Path is the path to open: as the user gave it, or the folder as
	// given joined with the path found below it.
	Path string
	// ID is the article's unique slug within this run.
	ID string
	// Skip, when not empty, is the reason discovery already knows the
	// input cannot be read (a symlink out of the input folder, a broken
	// symlink, an unreadable folder). The caller records the input as
	// skipped with this reason and reads nothing.
	Skip string
	// Root, for an input found below a folder, is that folder's real path,
	// and Rel the file to open below it (the symlink's target for a link
	// inside the folder). ReadInput opens Rel through os.Root, so a file
	// swapped for a link to somewhere else after discovery is not read.
	// Both are empty for a file named on the command line.
	Root, Rel string
}

// Discover expands the command line's PATHs into inputs. A folder yields
// every *.txt file below it (any case of the extension), recursively,
// sorted by path; a file is taken as given, whatever its extension. PATHs
// are kept in the order given, and a file reached twice (named twice, or
// through a folder and by name, or via a symlink) is listed once, under the
// name first met.
//
// Symlinks named on the command line are followed. Below a folder, symlinks
// to files inside that folder are taken; symlinks that lead outside it and
// broken symlinks become skipped inputs with a reason; symlinked folders are
// never descended, so cycles cannot loop.
//
// Folders (or files) in exclude are not searched below a folder, e.g.
// brief's own output folder when it sits inside the input folder; they
// need not exist yet.
//
// A PATH that does not exist is an error naming it; all such PATHs are
// reported together and no inputs are returned, since the user mistyped
// something and a run over the rest would surprise them.
func Discover(paths []string, exclude ...string) ([]Input, error) {
	d := discoverer{seen: map[string]bool{}}
	for _, x := range exclude {
		d.exclude = append(d.exclude, realPath(x))
	}
	var errs []error
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, argError(p, err))
			continue
		}
		if fi.IsDir() {
			d.walk(p)
		} else {
			d.add(Input{Path: p}, realPath(p))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	ps := make([]string, len(d.out))
	for i, in := range d.out {
		ps[i] = in.Path
	}
	for i, id := range UniqueIDs(ps) {
		d.out[i].ID = id
	}
	return d.out, nil
}

func argError(p string, err error) error {
	// Quoted when not plain, so a name cannot put control sequences on
	// the terminal or forge a line of its own.
	name := safetext.Name(p)
	if errors.Is(err, fs.ErrNotExist) {
		if fi, lerr := os.Lstat(p); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			return fmt.Errorf("%s is a symlink to %s, which does not exist", name, safetext.Name(target))
		}
		return fmt.Errorf("no such file or folder: %s", name)
	}
	return fmt.Errorf("cannot open %s: %s", name, errText(err))
}

type discoverer struct {
	exclude []string
	active  []string // exclude entries that apply to the folder being walked
	seen    map[string]bool
	out     []Input
}

// add appends in unless the file it names (by real path) is already listed.
func (d *discoverer) add(in Input, real string) {
	if d.seen[real] {
		return
	}
	d.seen[real] = true
	d.out = append(d.out, in)
}

// walk lists the *.txt files below root. It walks the folder's real path
// (symlinks resolved) so "inside the folder" is a plain prefix test, and
// shows paths under root as the user spelled it.
func (d *discoverer) walk(root string) {
	realRoot := realPath(root)
	// An excluded folder that holds the whole input folder (output "." and
	// input "news/") would exclude everything; only what lies below the
	// input folder is left out.
	d.active = slices.DeleteFunc(slices.Clone(d.exclude), func(x string) bool { return within(x, realRoot) })
	var list []Input
	// Root and Rel are the real file (a symlink inside the folder: its
	// target), the one to open and to list once; a reason skips it.
	found := func(rel, real, reason string) {
		in := Input{Path: filepath.Join(root, rel), Root: realRoot, Rel: rel, Skip: reason}
		if r, err := filepath.Rel(realRoot, real); err == nil {
			in.Rel = r
		}
		list = append(list, in)
	}
	_ = filepath.WalkDir(realRoot, func(path string, e fs.DirEntry, err error) error {
		rel, rerr := filepath.Rel(realRoot, path)
		if rerr != nil {
			return nil
		}
		if err != nil {
			// An unreadable folder costs its own files, not the run.
			if e != nil && e.IsDir() || path == realRoot {
				found(rel, path, "cannot read the folder: "+errText(err))
				return fs.SkipDir
			}
			found(rel, path, "cannot read: "+errText(err))
			return nil
		}
		// Names starting with "." are editor backups, .git and the like,
		// never articles.
		if path != realRoot && strings.HasPrefix(e.Name(), ".") {
			switch {
			case e.IsDir():
				return fs.SkipDir // .git and the like: never articles
			case isTxt(e.Name()):
				found(rel, path, ReasonHidden)
			}
			return nil
		}
		switch {
		case e.IsDir():
			if path != realRoot && d.excluded(path) {
				return fs.SkipDir
			}
		case e.Type()&fs.ModeSymlink != 0:
			if target, reason := d.symlink(realRoot, path, isTxt(e.Name())); target != "" || reason != "" {
				found(rel, cmp.Or(target, path), reason)
			}
		case isTxt(e.Name()):
			if !d.excluded(path) {
				found(rel, path, "")
			}
		}
		return nil
	})
	slices.SortStableFunc(list, func(a, b Input) int { return strings.Compare(a.Path, b.Path) })
	for _, in := range list {
		d.add(in, filepath.Join(in.Root, in.Rel))
	}
}

// symlink decides about one symlink found below a folder: the file it
// leads to, or why it is skipped; neither when it is no article's (txt: its
// name is one).
func (d *discoverer) symlink(realRoot, path string, txt bool) (target, reason string) {
	target, err := filepath.EvalSymlinks(path)
	var fi fs.FileInfo
	if err == nil {
		fi, err = os.Stat(target)
	}
	inside := err == nil && within(realRoot, target)
	dest, _ := os.Readlink(path)
	switch {
	case err == nil && fi.IsDir() && !inside:
		// A folder inside is walked anyway under its real name; one
		// outside is not followed, but its articles would silently go
		// missing, so say so.
		return "", fmt.Sprintf("symlinked folder points outside the input folder (to %s); not followed: name it on the command line to include it", safetext.Name(target))
	case !txt || err == nil && (fi.IsDir() || inside && d.excluded(target)):
		return "", ""
	case err != nil && target == "" && errors.Is(err, fs.ErrNotExist):
		return "", fmt.Sprintf("broken symlink: %s does not exist", safetext.Name(dest))
	case err != nil && target == "":
		return "", fmt.Sprintf("symlink to %s cannot be followed (a symlink loop?)", safetext.Name(dest))
	case err != nil:
		return "", "cannot read: " + errText(err)
	case !inside:
		return "", fmt.Sprintf("symlink points outside the input folder (to %s); not followed: name it on the command line to include it", safetext.Name(target))
	}
	return target, ""
}

func (d *discoverer) excluded(real string) bool {
	return slices.ContainsFunc(d.active, func(x string) bool { return within(x, real) })
}

// within reports whether path is dir or below it; both are clean and
// absolute.
func within(dir, path string) bool {
	return path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}

// realPath is the absolute path with symlinks resolved, as far as it
// exists.
func realPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	return abs
}

func isTxt(name string) bool { return strings.EqualFold(filepath.Ext(name), ".txt") }

// errText is an error without the path it names (the caller shows the
// path already).
func errText(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ReadFile reads and parses one file. It never blocks on a device or pipe
// (the file is opened non-blocking and its type checked once open, so a
// file swapped for a FIFO after it was listed is refused, not waited on)
// and checks the size before reading, so an oversized file is skipped
// without being loaded. Unreadable files are a *SkipError, like every
// other input that is not an article.
func ReadFile(path string, maxBytes int64) (Article, error) {
	testHookBeforeOpen(path)
	f, err := os.OpenFile(path, atomicfile.ReadFlags, 0)
	return readOpened(path, f, err, maxBytes)
}

// readOpened reads the file open returned, checking what was opened (not
// what a Stat before saw).
func readOpened(path string, f *os.File, err error, maxBytes int64) (Article, error) {
	a := Article{ID: Slug(filepath.Base(path)), Path: path}
	skip := func(reason string) (Article, error) {
		return a, &SkipError{Path: path, Reason: reason}
	}
	if err != nil {
		return skip(openReason(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return skip(openReason(err))
	}
	switch {
	case fi.IsDir():
		return skip(ReasonIsFolder)
	case !fi.Mode().IsRegular():
		return skip(ReasonNotRegular)
	}
	max := cmp.Or(maxBytes, DefaultMaxBytes)
	if fi.Size() > max {
		return skip(sizeReason(fi.Size(), max))
	}
	// The file may have grown since Stat; read one byte past the limit so
	// Parse sees it is too big, and no further.
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return skip("cannot read the file: " + errText(err))
	}
	return Parse(path, data, max)
}

// openInRoot opens rel below the folder root through os.Root, so no link
// can lead the open outside the folder, whatever changed since discovery.
func openInRoot(root, rel string) (*os.File, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	f, err := r.OpenFile(rel, atomicfile.ReadFlags, 0)
	if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
		if fi, lerr := r.Lstat(rel); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, errEscapes
		}
	}
	return f, err
}

var errEscapes = errors.New("escapes")

// testHookBeforeOpen lets a test swap a file at the moment a check-then-open
// would be raced, deterministically.
var testHookBeforeOpen = func(path string) {}

func openReason(err error) string {
	switch {
	case errors.Is(err, errEscapes):
		return ReasonEscapes
	case errors.Is(err, fs.ErrNotExist):
		return ReasonDisappeared
	case errors.Is(err, fs.ErrPermission):
		return ReasonUnreadable
	}
	return "cannot read the file: " + errText(err)
}

// ReadInput reads one discovered input and gives the article the input's
// unique ID. An input Discover already marked as skipped returns a
// *SkipError with that reason without touching the disk.
func ReadInput(in Input, maxBytes int64) (Article, error) {
	if in.Skip != "" {
		return Article{ID: in.ID, Path: in.Path}, &SkipError{Path: in.Path, Reason: in.Skip}
	}
	var a Article
	var err error
	if in.Root != "" {
		testHookBeforeOpen(in.Path)
		f, oerr := openInRoot(in.Root, in.Rel)
		a, err = readOpened(in.Path, f, oerr, maxBytes)
	} else {
		a, err = ReadFile(in.Path, maxBytes)
	}
	a.ID = in.ID
	return a, err
}
