package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/internal/atomicwrite"
)

// reOutputFile matches the files WriteDir writes; a directory holding anything else is
// never replaced.
var reOutputFile = regexp.MustCompile(`^[0-9]{2,}-[a-z0-9]+-[a-z0-9.-]+\.yaml$`)

// JSON is the stream as a Kubernetes List: {"apiVersion":"v1","kind":"List","items":[…]}
// with object keys sorted, 2-space indented, with a trailing newline.
func (r *Result) JSON() ([]byte, error) {
	return ListJSON(r.Objects)
}

// ListJSON renders objects as a v1 List in JSON (keys sorted by encoding/json).
func ListJSON(objs []*yaml.RNode) ([]byte, error) {
	items := make([]any, 0, len(objs))
	for _, o := range objs {
		var v any
		if err := o.YNode().Decode(&v); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", o.GetKind(), o.GetName(), err)
		}
		items = append(items, jsonable(v))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"apiVersion": "v1", "kind": "List", "items": items}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// jsonable turns YAML-decoded maps with non-string keys into string-keyed maps.
func jsonable(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = jsonable(e)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = jsonable(e)
		}
	}
	return v
}

// FileNames are the names WriteDir gives objects: NN-kind-name.yaml, NN the position in
// the canonical order (zero-padded to at least two digits), kind lower-cased.
func FileNames(objs []*yaml.RNode) []string {
	width := max(2, len(fmt.Sprint(len(objs))))
	names := make([]string, len(objs))
	for i, o := range objs {
		names[i] = fmt.Sprintf("%0*d-%s-%s.yaml", width, i+1, strings.ToLower(o.GetKind()), o.GetName())
	}
	return names
}

// WriteDir writes one file per object into dir, all or nothing: the files are written
// into a new temporary directory next to dir, which then replaces dir by rename. An
// existing dir is replaced only if it holds nothing but files named like WriteDir's
// (so `-o .` can never wipe a working tree); otherwise it is an error and nothing changes.
func WriteDir(dir string, objs []*yaml.RNode) error {
	dir = filepath.Clean(dir)
	if err := checkReplaceable(dir); err != nil {
		return err
	}
	stage, err := atomicwrite.StageDir(dir)
	if err != nil {
		return err
	}
	defer stage.Abort() // a no-op once committed
	names := FileNames(objs)
	for i, o := range objs {
		if strings.ContainsAny(names[i], `/\`) || strings.Contains(names[i], "..") {
			return fmt.Errorf("%s: %s %q is no file name; refusing to write it", dir, o.GetKind(), o.GetName())
		}
		b, err := emitOne(o)
		if err != nil {
			return err
		}
		if err := stage.Write(names[i], b); err != nil {
			return err
		}
	}
	return stage.Commit()
}

// checkReplaceable refuses a dir that exists and holds anything WriteDir did not write.
func checkReplaceable(dir string) error {
	if exists, err := existingOutputDir(dir); !exists {
		return err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || !reOutputFile.MatchString(e.Name()) {
			return notWrittenByFloe(dir, e.Name())
		}
	}
	return nil
}

// existingOutputDir reports whether an output directory already exists; a path that
// exists but is not a directory (a symlink included) is an error.
func existingOutputDir(dir string) (bool, error) {
	st, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, pathError(dir, err)
	}
	if !st.IsDir() {
		return false, fmt.Errorf("output %s exists and is not a directory", dir)
	}
	return true, nil
}

// notWrittenByFloe refuses to replace an output directory holding name.
func notWrittenByFloe(dir, name string) error {
	return fmt.Errorf("output directory %s holds %s, which floe did not write; refusing to replace it (choose an empty or new directory)", dir, name)
}

// pathError is err about the path the user gave, without the system call's wording.
func pathError(p string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s: %w", p, err)
}
