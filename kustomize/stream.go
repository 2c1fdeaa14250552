package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/internal/yamlguard"
)

// HelmPostRenderFilenameAnnotation is stamped by Helm 4 on every document it
// hands to a post-renderer; Helm splits the output back into files by it, so
// it must survive (ParseStream copies it onto the items of a List).
const HelmPostRenderFilenameAnnotation = "postrenderer.helm.sh/postrender-filename"

// ParseStream reads a multi-document YAML manifest stream ("---" separated,
// comments allowed). Empty and comment-only documents are dropped; the items
// of List objects (kind List, or a *List kind whose items are objects) take
// the List's place; YAML anchors and aliases are expanded. No annotations are
// added. Every document must be a mapping. Each document passes yamlguard's
// Stream limits (depth, aliases and what they expand to, shared by the whole
// stream) as soon as it is parsed, before anything walks it. Errors name the
// document (1-based, counting "---" separators) and the line in the stream.
func ParseStream(data []byte) ([]*yaml.RNode, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := yaml.NewDecoder(bytes.NewReader(data))
	guard := yamlguard.Stream.New("stream")
	var out []*yaml.RNode
	for {
		doc := &yaml.Node{}
		err := dec.Decode(doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, streamError(data, err)
		}
		// Bounded (depth, aliases and what they expand to) before anything walks it.
		if err := guard.KYAMLNode(doc); err != nil {
			return nil, guardError(data, err)
		}
		if len(doc.Content) == 0 || ynIsNull(doc.Content[0]) {
			continue // empty or comment-only document
		}
		n := doc.Content[0]
		if n.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("document %d (line %d): not a Kubernetes object but a YAML %s",
				documentAt(data, n.Line), n.Line, kindName(n.Kind))
		}
		if doc.HeadComment != "" {
			n.HeadComment = joinComments(doc.HeadComment, n.HeadComment)
		}
		if doc.FootComment != "" {
			n.FootComment = joinComments(n.FootComment, doc.FootComment)
		}
		if err := checkNodes(n, 0, false); err != nil {
			return nil, fmt.Errorf("%s (line %d): %w", objectID(n), n.Line, err)
		}
		out = appendObject(out, n)
	}
	if bytes.IndexByte(data, '*') >= 0 && bytes.IndexByte(data, '&') >= 0 {
		for _, rn := range out {
			node := rn.YNode() // DeAnchor may leave rn without a node when it fails
			if err := rn.DeAnchor(); err != nil {
				return nil, fmt.Errorf("%s (line %d): %w", objectID(node), node.Line, err)
			}
		}
	}
	return out, nil
}

// checkNodes refuses a mapping that names a key twice (Kubernetes would keep one of
// the values, and which one depends on the tool), in n and below it, and spells out an
// empty null inside a flow collection or as a key (`{x}`, `{x: }`) as `null`: yaml.v3
// would write it as an empty quoted string. Aliases are not followed: their anchors are
// checked where they are defined. flow is whether n is inside a flow collection.
func checkNodes(n *yaml.Node, depth int, flow bool) error {
	if depth > maxNesting {
		return fmt.Errorf("line %d: nested more than %d levels deep", n.Line, maxNesting)
	}
	flow = flow || n.Style&yaml.FlowStyle != 0
	if n.Kind == yaml.MappingNode && len(n.Content) > 2 {
		var seen map[string]*yaml.Node // for long mappings; short ones are scanned
		if len(n.Content) > 64 {
			seen = make(map[string]*yaml.Node, len(n.Content)/2)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Value == "<<" {
				continue
			}
			var prev *yaml.Node
			if seen != nil {
				id := k.ShortTag() + " " + k.Value
				prev = seen[id]
				seen[id] = k
			} else {
				for j := 0; j < i && prev == nil; j += 2 {
					if p := n.Content[j]; p.Kind == yaml.ScalarNode && p.Value == k.Value && p.ShortTag() == k.ShortTag() {
						prev = p
					}
				}
			}
			if prev != nil {
				return fmt.Errorf("line %d: mapping key %q already defined at line %d", k.Line, k.Value, prev.Line)
			}
		}
	}
	for i, c := range n.Content {
		switch c.Kind {
		case yaml.MappingNode, yaml.SequenceNode:
			if err := checkNodes(c, depth+1, flow); err != nil {
				return err
			}
		case yaml.ScalarNode:
			key := n.Kind == yaml.MappingNode && i%2 == 0
			if (flow || key) && c.Value == "" && c.ShortTag() == yaml.NodeTagNull {
				c.Value = "null"
			}
		}
	}
	return nil
}

// maxNesting bounds how deep checkNodes descends (yaml.v3 itself refuses far deeper
// documents long before they reach it).
const maxNesting = 10_000

// guardError locates a refusal of the YAML guard by document and line.
func guardError(data []byte, err error) error {
	var ge *yamlguard.Error
	if !errors.As(err, &ge) {
		return err
	}
	if ge.Line == 0 {
		return errors.New(ge.Message)
	}
	return fmt.Errorf("document %d (line %d): %s", documentAt(data, ge.Line), ge.Line, ge.Message)
}

// appendObject appends n, or the items of n when it is a List.
func appendObject(out []*yaml.RNode, n *yaml.Node) []*yaml.RNode {
	items, ok := listItems(n)
	if !ok {
		return append(out, yaml.NewRNode(n))
	}
	file := ynScalar(ynPath(n, "metadata", "annotations", HelmPostRenderFilenameAnnotation))
	for _, it := range items {
		if file != "" {
			md := ynChildMap(it, "metadata", true)
			if annos := ynChildMap(md, "annotations", true); annos != nil && ynGet(annos, HelmPostRenderFilenameAnnotation) == nil {
				ynAppend(annos, ynKey(HelmPostRenderFilenameAnnotation), ynStr(file))
			}
		}
		out = appendObject(out, it)
	}
	return out
}

// listItems returns the items of a List object: kind List, or a kind ending
// in "List" whose items are all objects (have a kind).
func listItems(n *yaml.Node) ([]*yaml.Node, bool) {
	kind := ynScalar(ynGet(n, "kind"))
	if !strings.HasSuffix(kind, "List") {
		return nil, false
	}
	items := ynGet(n, "items")
	if ynIsNull(items) && kind == "List" {
		return nil, true
	}
	if items == nil || items.Kind != yaml.SequenceNode {
		return nil, false
	}
	if kind != "List" {
		for _, it := range items.Content {
			if !ynIsMap(it) || ynScalar(ynGet(it, "kind")) == "" {
				return nil, false
			}
		}
	}
	for _, it := range items.Content {
		if !ynIsMap(it) {
			return nil, false
		}
	}
	return items.Content, true
}

// streamError rewrites a yaml.v3 error as "document N (line L): message".
// yaml.v3 numbers lines from 0 for parser (as opposed to scanner) errors and
// leaves the line out when that is 0; both are corrected here.
func streamError(data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ": "); ok {
			if n, e := strconv.Atoi(num); e == nil {
				line, msg = n, tail
			}
		}
	}
	if parserProblems[msg] {
		line++
	}
	if line == 0 {
		return fmt.Errorf("malformed YAML: %s", msg)
	}
	return fmt.Errorf("document %d (line %d): malformed YAML: %s", documentAt(data, line), line, msg)
}

// parserProblems are the messages of yaml.v3's parser (parserc.go), whose
// line numbers are 0-based.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
}

// documentAt returns the 1-based number of the document holding line: each
// "---" line starts a document; text before the first one counts as a
// document only when it holds more than blanks and comments.
func documentAt(data []byte, line int) int {
	doc, cur := 0, 1
	preambleBlank := true
	for start := 0; start < len(data) && cur <= line; cur++ {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		l := data[start:end]
		if isSeparator(l) {
			doc++
		} else if doc == 0 {
			if t := bytes.TrimSpace(l); len(t) > 0 && t[0] != '#' {
				preambleBlank = false
			}
		}
		start = end + 1
	}
	if !preambleBlank || doc == 0 {
		doc++
	}
	return doc
}

// isSeparator reports whether a line is a "---" document marker.
func isSeparator(l []byte) bool {
	return bytes.HasPrefix(l, []byte("---")) && (len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r')
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "node"
}

func joinComments(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return a + "\n" + b
}

// internalAnnotation reports whether an annotation is bookkeeping added by
// kyaml readers or kio.Pipeline, never meant for the cluster.
func internalAnnotation(k string) bool {
	return strings.HasPrefix(k, "internal.config.kubernetes.io/") ||
		k == "config.kubernetes.io/index" || k == "config.kubernetes.io/path" || k == "config.k8s.io/id"
}

// stripInternal removes internal annotations, and an annotations map that is
// then empty, from obj.
func stripInternal(obj *yaml.Node) {
	md := ynGet(obj, "metadata")
	annos := ynGet(md, "annotations")
	if !ynIsMap(annos) {
		return
	}
	for i := 0; i+1 < len(annos.Content); {
		if internalAnnotation(annos.Content[i].Value) {
			annos.Content = append(annos.Content[:i], annos.Content[i+2:]...)
			continue
		}
		i += 2
	}
	if len(annos.Content) == 0 {
		ynDel(md, "annotations")
	}
}

// StripInternal removes what EmitStream removes from the nodes (internal kyaml
// annotations and empty annotations maps) ahead of it: afterwards EmitStream only reads
// the nodes, so others may read them while it runs.
func StripInternal(nodes []*yaml.RNode) {
	for _, rn := range nodes {
		if n := rn.YNode(); n != nil {
			stripInternal(n)
		}
	}
}

// EmitStream writes nodes as a "---" separated stream in the order given
// (apply Canonical first for the canonical order), 2-space indented with
// compact sequences, ending in a newline. Internal kyaml annotations
// (config.kubernetes.io/index, internal.config.kubernetes.io/*, …) and empty
// annotations maps are removed from the nodes. No nodes yield no bytes.
func EmitStream(nodes []*yaml.RNode) ([]byte, error) {
	var docs []*yaml.Node
	for _, rn := range nodes {
		if n := rn.YNode(); n != nil {
			stripInternal(n)
			docs = append(docs, n)
		}
	}
	if len(docs) == 0 {
		return nil, nil
	}
	// A long stream is encoded in parts by as many goroutines as there are
	// processors; the parts are joined in order, so the bytes do not depend on it.
	parts := max(1, min(runtime.GOMAXPROCS(0), len(docs)/emitPart))
	bufs := make([][]byte, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() {
			bufs[k], errs[k] = emitDocs(docs[k*len(docs)/parts:(k+1)*len(docs)/parts], k == 0)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return trimTrailingSpace(bytes.Join(bufs, nil)), nil
}

// emitPart is the smallest number of documents EmitStream gives a goroutine.
const emitPart = 32

// emitDocs encodes docs, each after a "---" line but the first of the stream.
func emitDocs(docs []*yaml.Node, first bool) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(docs) * 1536)
	for _, n := range docs {
		if !first {
			buf.WriteString("---\n")
		}
		first = false
		// One encoder per document: a yaml.v3 emitter keeps every event of
		// its stream until Close, which makes one long-lived encoder cost
		// quadratic memory traffic on big streams.
		settleComments(n, true)
		enc := yaml.NewEncoder(&buf)
		if err := enc.Encode(n); err != nil {
			return nil, fmt.Errorf("emit %s: %w", objectID(n), err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("emit %s: %w", objectID(n), err)
		}
	}
	return buf.Bytes(), nil
}

// settleComments puts comments where yaml.v3 reads them back, so that floe's output
// comes out the same when floe runs over it again. yaml.v3 writes a foot comment
// inside a mapping or sequence followed by a blank line and reads it back as the next
// entry's head comment (or, after the last entry, somewhere further out); it writes
// the head comment of a tagged or anchored collection above the tag or anchor and
// reads it back below; it cannot write a head comment between a key and its scalar
// value. So:
//   - a scalar value's head comment goes above its key;
//   - an entry's foot comment becomes the next entry's head comment (filters may have
//     added entries after it), or after the last entry of the document's top mapping
//     the document's foot comment; after any other last entry it is dropped (comments
//     may go);
//   - a tagged or anchored collection's head comment goes to its first entry;
//   - the comments above the document's first key are all the document's head
//     comment, and head comments lose their blank lines (yaml.v3 reads a blank line
//     there as the end of the document's own comment).
func settleComments(n *yaml.Node, top bool) {
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
		return
	}
	if top && n.Kind == yaml.MappingNode && len(n.Content) > 0 {
		k := n.Content[0]
		n.HeadComment, k.HeadComment = joinComments(n.HeadComment, k.HeadComment), ""
	}
	n.HeadComment = dropBlankLines(n.HeadComment)
	if n.HeadComment != "" && len(n.Content) > 0 && (n.Anchor != "" || n.Style&yaml.TaggedStyle != 0 || (n.Tag != "" && n.Tag != "!!map" && n.Tag != "!!seq")) {
		n.Content[0].HeadComment = joinComments(n.HeadComment, n.Content[0].HeadComment)
		n.HeadComment = ""
	}
	step := 1 // a sequence's entries are its items, a mapping's its key/value pairs
	if n.Kind == yaml.MappingNode {
		step = 2
	}
	for i := 0; i < len(n.Content); i += step {
		if step == 2 && i+1 < len(n.Content) {
			// A scalar value's head comment cannot stand between the key and the value.
			if k, v := n.Content[i], n.Content[i+1]; v.HeadComment != "" && (v.Kind == yaml.ScalarNode || v.Kind == yaml.AliasNode) {
				k.HeadComment = joinComments(k.HeadComment, v.HeadComment)
				v.HeadComment = ""
			}
		}
		var foot string
		for _, c := range n.Content[i:min(i+step, len(n.Content))] {
			foot = joinComments(foot, c.FootComment)
			c.FootComment = ""
			c.HeadComment = dropBlankLines(c.HeadComment)
			settleComments(c, false)
		}
		foot = dropBlankLines(foot)
		switch {
		case foot == "":
		case i+step < len(n.Content):
			next := n.Content[i+step]
			next.HeadComment = joinComments(foot, next.HeadComment)
		case top:
			n.FootComment = joinComments(foot, n.FootComment)
		}
	}
}

// dropBlankLines removes the empty lines of a comment.
func dropBlankLines(c string) string {
	if !strings.Contains(c, "\n\n") {
		return c
	}
	var lines []string
	for l := range strings.Lines(c) {
		if l = strings.TrimSuffix(l, "\n"); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// trimTrailingSpace removes blanks at line ends. yaml.v3 only leaves them in
// comments copied from the input (it never writes a block scalar whose lines
// end in blanks, and with unlimited width it does not fold quoted strings).
func trimTrailingSpace(b []byte) []byte {
	if !bytes.Contains(b, []byte(" \n")) && !bytes.Contains(b, []byte("\t\n")) {
		return b
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b) - 1
		}
		out = append(out, bytes.TrimRight(b[:i], " \t")...)
		out = append(out, b[i])
		b = b[i+1:]
	}
	return out
}

// StreamReader is a kio.Reader over a manifest stream, using ParseStream.
type StreamReader struct {
	// Reader supplies the stream.
	Reader io.Reader
}

var _ kio.Reader = StreamReader{}

// Read implements kio.Reader.
func (r StreamReader) Read() ([]*yaml.RNode, error) {
	if r.Reader == nil {
		return nil, errors.New("stream reader: no input")
	}
	data, err := io.ReadAll(r.Reader)
	if err != nil {
		return nil, err
	}
	return ParseStream(data)
}

// StreamWriter is a kio.Writer that writes nodes with EmitStream.
type StreamWriter struct {
	// Writer receives the stream.
	Writer io.Writer
}

var _ kio.Writer = StreamWriter{}

// Write implements kio.Writer.
func (w StreamWriter) Write(nodes []*yaml.RNode) error {
	out, err := EmitStream(nodes)
	if err != nil {
		return err
	}
	_, err = w.Writer.Write(out)
	return err
}
