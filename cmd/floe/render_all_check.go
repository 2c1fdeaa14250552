package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/diff"
	"github.com/floe-dev/floe/internal/yamlguard"
	"github.com/floe-dev/floe/render"
)

// maxCheckEntries bounds the entries of a committed tree `render --all --check` reads,
// as the floe.yaml search is bounded.
const maxCheckEntries = 262144

// committedFile is one entry of a committed output tree: its bytes, or why it is not a
// file floe could have written.
type committedFile struct {
	data    []byte
	notFile string // "a symlink", "not a regular file"; "" for a regular file
}

// checkRenderTree implements `floe render --all DIR --check OUTDIR` (D-DIFF-04): the
// rendered tree (what -o OUTDIR would write) is compared file by file with the committed
// tree at dir. The same files with the same bytes: nil (exit 0), nothing printed.
// Otherwise every stale, missing and extra file is listed on s.Out (a stale file with its
// object diff) and the answer is no (exit 1). A committed tree that cannot be read is
// an error (exit 2). Nothing is written.
func checkRenderTree(s *streams, dir string, rendered []render.OutFile) error {
	committed, err := readCommittedTree(dir)
	if err != nil {
		return diag.Usage(fmt.Errorf("render --all --check: %w", err))
	}
	want := make(map[string][]byte, len(rendered))
	paths := make([]string, 0, len(rendered)+len(committed))
	for _, f := range rendered {
		want[f.Path] = f.Data
		paths = append(paths, f.Path)
	}
	for p := range committed {
		if _, ok := want[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)

	var b bytes.Buffer
	var stale, missing, extra int
	for _, p := range paths {
		got, inTree := committed[p]
		data, inRender := want[p]
		switch {
		case !inTree:
			missing++
			fmt.Fprintf(&b, "+ %s: missing (the render has it)\n", p)
		case !inRender:
			extra++
			fmt.Fprintf(&b, "- %s: extra (not in the render)\n", p)
		case got.notFile != "":
			stale++
			fmt.Fprintf(&b, "~ %s: %s, not the rendered file\n", p, got.notFile)
		case !bytes.Equal(got.data, data):
			stale++
			fmt.Fprintf(&b, "~ %s: %s\n", p, staleFile(filepath.Join(dir, filepath.FromSlash(p)), got.data, data))
		}
	}
	if stale+missing+extra == 0 {
		return nil
	}
	s.Out.Write(b.Bytes())
	return diag.No(fmt.Errorf("render --all --check: %s is stale: %d file(s) differ, %d missing, %d extra, of %d rendered; rewrite it with floe render --all -o",
		dir, stale, missing, extra, len(rendered)))
}

// staleFile describes one committed file whose bytes differ from the render: the object
// diff, indented, or why there is none.
func staleFile(name string, committed, rendered []byte) string {
	res, err := diff.Compare(name, committed, "render", rendered)
	if err != nil {
		return "not a manifest stream, so it differs from the render"
	}
	if !res.Differs() {
		return "the same objects but not in floe's canonical form"
	}
	var b bytes.Buffer
	if err := diff.WriteText(&b, res, false); err != nil {
		return "stale"
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return "stale\n" + strings.Join(lines, "\n")
}

// readCommittedTree reads every file under dir (a directory named on the command line),
// keyed by its slash-separated path relative to dir. A missing dir is an empty tree.
// Symlinks are listed, never followed, and nothing is read outside dir (os.Root).
// Bounded: maxCheckEntries entries, config.MaxFileSize a file.
func readCommittedTree(dir string) (map[string]committedFile, error) {
	out := map[string]committedFile{}
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	entries := 0
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entries++; entries > maxCheckEntries {
			return fmt.Errorf("%s holds more than %d entries", dir, maxCheckEntries)
		}
		switch {
		case d.IsDir():
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			out[p] = committedFile{notFile: "a symlink"}
			return nil
		case !d.Type().IsRegular():
			out[p] = committedFile{notFile: "not a regular file"}
			return nil
		}
		f, err := root.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		b, err := yamlguard.ReadAll(filepath.Join(dir, p), f, config.MaxFileSize)
		if err != nil {
			return err
		}
		out[p] = committedFile{data: b}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
