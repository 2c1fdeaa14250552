package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/atomicwrite"
)

// outNames are the products' folders under OutDir: the path relative to dir, or, for a
// floe.yaml directly in dir, dir's own name. Two products may not share a folder.
func outNames(root config.Root, dir string, products []string) ([]string, error) {
	self := path.Base(dir)
	if dir == "." {
		self = filepath.Base(root.Dir())
		if root.Dir() == "" || self == string(filepath.Separator) || self == "." {
			self = "product"
		}
	}
	outs := make([]string, len(products))
	seen := map[string]string{}
	for i, p := range products {
		o := self
		if p != dir {
			o = strings.TrimPrefix(p, dir+"/")
			if dir == "." {
				o = p
			}
		}
		if prev, dup := seen[o]; dup {
			return nil, diag.Usage(fmt.Errorf("render --all: products %s and %s would both be written to %s; render them separately", prev, p, o))
		}
		seen[o] = p
		outs[i] = o
	}
	return outs, nil
}

// writeObjects writes one file per object into the staged directory's subdirectory dir
// (slash-separated) with WriteDir's names and bytes (objectFiles).
func writeObjects(stage *atomicwrite.Dir, dir string, res *Result) error {
	files, err := objectFiles(dir, res)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := stage.Write(f.Path, f.Data); err != nil {
			return err
		}
	}
	return nil
}

// OutFile is one file of a batch's output tree: its slash-separated path under OutDir
// and its bytes.
type OutFile struct {
	Path string
	Data []byte
}

// objectFiles are the files WriteDir would write for res, under dir (slash-separated).
// The bytes are cut from the render's canonical stream rather than emitted again: the
// stream is the objects' documents, each encoded on its own, joined by "---" lines
// (kustomize.EmitStream), and a line "---" at column 0 occurs nowhere else in
// yaml.v3's output. Should the cut not give one document per object, each object is
// emitted on its own as WriteDir does.
func objectFiles(dir string, res *Result) ([]OutFile, error) {
	docs, err := objectDocuments(res.Objects, res.YAML)
	if err != nil {
		return nil, err
	}
	names := FileNames(res.Objects)
	files := make([]OutFile, len(res.Objects))
	for i, b := range docs {
		files[i] = OutFile{Path: path.Join(dir, names[i]), Data: b}
	}
	return files, nil
}

// objectDocuments are each object's canonical YAML: cut from stream (their
// EmitStream) when it holds one document per object, else each emitted on its own.
// stream nil always emits.
func objectDocuments(objects []*yaml.RNode, stream []byte) ([][]byte, error) {
	if docs := splitStream(stream); len(docs) == len(objects) {
		return docs, nil
	}
	docs := make([][]byte, len(objects))
	for i, o := range objects {
		b, err := emitOne(o)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", o.GetKind(), o.GetName(), err)
		}
		docs[i] = b
	}
	return docs, nil
}

// splitStream cuts a canonical stream into its documents at the "---" lines.
func splitStream(stream []byte) [][]byte {
	if len(stream) == 0 {
		return nil
	}
	var docs [][]byte
	for {
		i := bytes.Index(stream, []byte("\n---\n"))
		if i < 0 {
			return append(docs, stream)
		}
		docs = append(docs, stream[:i+1])
		stream = stream[i+5:]
	}
}

// checkBatchReplaceable refuses an OutDir that exists and holds anything but directories
// and files named like WriteDir's, at any depth (so `--all … -o .` cannot wipe a tree).
func checkBatchReplaceable(dir string) error {
	dir = filepath.Clean(dir)
	if exists, err := existingOutputDir(dir); !exists {
		return err
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir || d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() || !reOutputFile.MatchString(d.Name()) {
			rel, _ := filepath.Rel(dir, p)
			return notWrittenByFloe(dir, filepath.ToSlash(rel))
		}
		return nil
	})
}

// yamlStream is a batch's stdout form in YAML: each product's canonical stream in
// products order, introduced by a "# floe product: PATH" comment, separated by "---".
// productComment introduces each product in a batch's YAML stream.
const productComment = "# floe product: "

// StripProductComments removes the lines yamlStream writes before each product.
func StripProductComments(stream []byte) []byte {
	if !bytes.Contains(stream, []byte(productComment)) {
		return stream
	}
	lines := bytes.SplitAfter(stream, []byte("\n"))
	out := make([]byte, 0, len(stream))
	for _, l := range lines {
		if !bytes.HasPrefix(l, []byte(productComment)) {
			out = append(out, l...)
		}
	}
	return out
}

func yamlStream(products []string, results []productRender) []byte {
	var b strings.Builder
	for i, d := range results {
		if i > 0 {
			b.WriteString("---\n")
		}
		fmt.Fprintf(&b, "%s%s\n", productComment, products[i])
		b.Write(d.stream)
	}
	return []byte(b.String())
}

// listStream is a batch's stdout form in JSON: one v1 List of every product's objects,
// in products order.
func listStream(results []productRender) ([]byte, error) {
	var objs []*yaml.RNode
	for _, d := range results {
		objs = append(objs, d.objects...)
	}
	return ListJSON(objs)
}
