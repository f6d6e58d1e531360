// Package prompts holds the prompt templates brief sends to the model.
//
// The templates are text/template files embedded in the binary. A user can
// print them (`brief prompts`), write them to a folder, edit them and point
// --prompts at that folder: a file there replaces the embedded one of the
// same name, the rest stay embedded. The hash of each template's text goes
// into cache keys, so an edited prompt redoes only the work it affects.
package prompts

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"github.com/brief-news/brief/internal/atomicfile"
)

//go:embed *.tmpl
var embedded embed.FS

// Names of the templates brief uses. Each step has a system template (the
// instructions) and a user template (the data, fenced).
const (
	TranslateSystem = "translate.system"
	TranslateUser   = "translate.user"
	SummarizeSystem = "summarize.system"
	SummarizeUser   = "summarize.user"
	DigestSystem    = "digest.system"
	DigestUser      = "digest.user"
	// ReviewSystem and ReviewUser ask for the errors of a translation
	// (--review), GEMBA-MQM style.
	ReviewSystem = "review.system"
	ReviewUser   = "review.user"
)

const ext = ".tmpl"

// Set is a loaded set of templates.
type Set struct {
	text   map[string]string
	origin map[string]string // "embedded" or the override file path
	tmpl   map[string]*template.Template
}

// Load returns the embedded templates, with any *.tmpl files in overrideDir
// (if not empty) replacing the embedded ones of the same name. An override
// file with an unknown name is an error, since it is most likely a typo that
// would otherwise be silently ignored.
func Load(overrideDir string) (*Set, error) {
	s := &Set{text: map[string]string{}, origin: map[string]string{}, tmpl: map[string]*template.Template{}}
	// Reading the files embedded in the binary cannot fail.
	entries, _ := embedded.ReadDir(".")
	for _, e := range entries {
		data, _ := embedded.ReadFile(e.Name())
		name := strings.TrimSuffix(e.Name(), ext)
		s.text[name], s.origin[name] = string(data), "embedded"
	}
	if overrideDir != "" {
		files, err := os.ReadDir(overrideDir)
		if err != nil {
			return nil, fmt.Errorf("read prompts folder: %w (write one with `brief prompts --write DIR`)", err)
		}
		for _, f := range files {
			if f.IsDir() || !strings.HasSuffix(f.Name(), ext) {
				continue
			}
			name, path := strings.TrimSuffix(f.Name(), ext), filepath.Join(overrideDir, f.Name())
			if _, ok := s.text[name]; !ok {
				return nil, fmt.Errorf("prompt file %s: unknown prompt %q (known: %s)", path, name, strings.Join(s.Names(), ", "))
			}
			data, err := readTemplate(path)
			if err != nil {
				return nil, fmt.Errorf("prompt file %s: %v", path, err)
			}
			s.text[name], s.origin[name] = string(data), path
		}
	}
	for name, text := range s.text {
		t, err := template.New(name).Option("missingkey=error").Parse(text)
		if err != nil {
			return nil, fmt.Errorf("prompt %s (%s): %w", name, s.origin[name], err)
		}
		s.tmpl[name] = t
	}
	return s, nil
}

// maxTemplateBytes caps an edited prompt: the embedded ones are a few KB,
// and every request carries its text.
const maxTemplateBytes = 1 << 20

// readTemplate reads an edited prompt that is a regular file of at most
// maxTemplateBytes: a FIFO or device in the folder would block or fill
// memory before the first article.
func readTemplate(path string) ([]byte, error) {
	data, _, err := atomicfile.ReadRegular(path, maxTemplateBytes)
	switch {
	case errors.Is(err, atomicfile.ErrNotRegular):
		err = fmt.Errorf("not a regular file: a prompt is a text file (write them with `brief prompts --write DIR`)")
	case errors.Is(err, atomicfile.ErrTooLarge):
		err = fmt.Errorf("larger than %d MB: a prompt is a few KB of text (is it the right file?)", maxTemplateBytes>>20)
	}
	return data, err
}

// Names lists the template names, sorted.
func (s *Set) Names() []string { return slices.Sorted(maps.Keys(s.text)) }

// Text is a template's source text.
func (s *Set) Text(name string) string { return s.text[name] }

// Origin says where a template came from: "embedded" or a file path.
func (s *Set) Origin(name string) string { return s.origin[name] }

// Hash is a hex SHA-256 over the named templates' texts, for cache keys.
func (s *Set) Hash(names ...string) string {
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00%s\x00", n, len(s.text[n]), s.text[n])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Render executes a template with data.
func (s *Set) Render(name string, data any) (string, error) {
	t, ok := s.tmpl[name]
	if !ok {
		return "", fmt.Errorf("no prompt named %q", name)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("prompt %s (%s): %w", name, s.origin[name], err)
	}
	return strings.TrimSpace(b.String()), nil
}

// Messages renders a step's system and user templates with one data.
func (s *Set) Messages(system, user string, data any) (sys, usr string, err error) {
	if sys, err = s.Render(system, data); err != nil {
		return "", "", err
	}
	usr, err = s.Render(user, data)
	return sys, usr, err
}

// WriteDir writes every template to dir as NAME.tmpl, for a user to edit.
// Existing files are not overwritten unless force is set.
func (s *Set) WriteDir(dir string, force bool) ([]string, error) {
	var written []string
	for _, n := range s.Names() {
		path := filepath.Join(dir, n+ext)
		if _, err := os.Stat(path); err == nil && !force {
			return written, fmt.Errorf("%s exists: pass --force to overwrite it", path)
		}
		if err := atomicfile.Write(path, []byte(s.text[n]), 0o644); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}
