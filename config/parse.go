package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/diag"
)

// Limits that keep hostile input from exhausting memory or time. They apply to every
// file floe reads through a Root and to every YAML document it parses.
const (
	// MaxFileSize is the largest input file floe reads (checked with Stat before reading).
	MaxFileSize = 4 << 20
	// MaxDepth is the deepest nesting of YAML collections accepted (aliases included).
	MaxDepth = 64
	// MaxAliasExpansion is the most nodes YAML aliases may add when expanded.
	MaxAliasExpansion = 100_000
	// MaxAliases is the most alias nodes (*name) one document may contain.
	MaxAliases = 10_000
)

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// ParseSource checks raw bytes (size, text, single document, aliases, depth) and parses
// them into a Source. Problems are reported as diagnostics located in file.
func ParseSource(file string, data []byte) (*Source, diag.List) {
	src := &Source{Path: file, Data: data}
	if len(data) > MaxFileSize {
		return nil, diag.Errorf(file, "", "file is %d bytes, larger than the %d MiB limit", len(data), MaxFileSize>>20)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, diag.List{{File: file, Line: lineOf(data, i), Col: 1, Message: "file contains a NUL byte: binary data, not YAML text"}}
	}
	if !utf8.Valid(data) {
		off := invalidUTF8Offset(data)
		return nil, diag.List{{File: file, Line: lineOf(data, off), Col: 1, Message: "file is not valid UTF-8 text (binary data?)"}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, diag.Errorf(file, "", "file is empty")
	}
	node, err := parseOne(data)
	if err != nil {
		return nil, yamlErr(file, err)
	}
	if node == nil || len(node.Content) == 0 {
		return nil, diag.Errorf(file, "", "file holds no YAML document")
	}
	if err := checkTree(node); err != nil {
		return nil, diag.List{{File: file, Line: err.line, Col: err.col, Message: err.msg}}
	}
	src.Node = node
	return src, nil
}

// parseOne parses exactly one YAML document; a second document is an error.
func parseOne(data []byte) (node *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil { // yaml.v3 has panicked on malformed input before
			node, err = nil, fmt.Errorf("yaml: cannot parse: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, err
	default:
		return nil, &multiDocError{line: next.Line}
	}
	return &doc, nil
}

type multiDocError struct{ line int }

func (e *multiDocError) Error() string {
	return "file holds more than one YAML document; floe expects exactly one"
}

func yamlErr(file string, err error) diag.List {
	var md *multiDocError
	if errors.As(err, &md) {
		return diag.List{{File: file, Line: md.line, Col: 1, Message: md.Error()}}
	}
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return diag.List{{File: file, Line: line, Col: 1, Message: "invalid YAML: " + m[2]}}
	}
	return diag.Errorf(file, "", "invalid YAML: %s", trimYAMLPrefix(msg))
}

func trimYAMLPrefix(s string) string {
	if len(s) > 6 && s[:6] == "yaml: " {
		return s[6:]
	}
	return s
}

func lineOf(data []byte, off int) int { return bytes.Count(data[:off], []byte{'\n'}) + 1 }

func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

type treeErr struct {
	line, col int
	msg       string
}

// checkTree bounds depth, alias count and alias expansion before anything walks the
// tree with aliases followed. It is linear in the size of the parsed (unexpanded) tree.
func checkTree(doc *yaml.Node) *treeErr {
	c := &treeChecker{memo: map[*yaml.Node]treeSize{}}
	if _, err := c.walk(doc, 0); err != nil {
		return err
	}
	return nil
}

type treeSize struct {
	nodes, height int
	done          bool
}

type treeChecker struct {
	memo    map[*yaml.Node]treeSize
	aliases int
	extra   int
}

func (c *treeChecker) walk(n *yaml.Node, depth int) (treeSize, *treeErr) {
	if depth > MaxDepth {
		return treeSize{}, &treeErr{n.Line, n.Column, fmt.Sprintf("YAML nesting deeper than %d levels; refusing", MaxDepth)}
	}
	if n.Kind == yaml.AliasNode {
		c.aliases++
		if c.aliases > MaxAliases {
			return treeSize{}, &treeErr{n.Line, n.Column, fmt.Sprintf("more than %d YAML aliases; refusing", MaxAliases)}
		}
		if n.Alias == nil {
			return treeSize{}, &treeErr{n.Line, n.Column, "YAML alias without anchor"}
		}
		t, seen := c.memo[n.Alias]
		if seen && !t.done {
			return treeSize{}, &treeErr{n.Line, n.Column, fmt.Sprintf("YAML alias *%s refers to a node that contains it", n.Value)}
		}
		if !seen { // alias to an anchor not yet walked (cannot happen in document order, but be safe)
			var err *treeErr
			if t, err = c.walk(n.Alias, depth); err != nil {
				return treeSize{}, err
			}
		}
		if depth+t.height > MaxDepth {
			return treeSize{}, &treeErr{n.Line, n.Column, fmt.Sprintf("YAML nesting deeper than %d levels (through alias *%s); refusing", MaxDepth, n.Value)}
		}
		c.extra += t.nodes
		if c.extra > MaxAliasExpansion {
			return treeSize{}, &treeErr{n.Line, n.Column, fmt.Sprintf("YAML aliases expand to more than %d nodes; refusing (alias bomb?)", MaxAliasExpansion)}
		}
		return treeSize{nodes: t.nodes, height: t.height, done: true}, nil
	}
	c.memo[n] = treeSize{}
	s := treeSize{nodes: 1, done: true}
	for _, ch := range n.Content {
		cs, err := c.walk(ch, depth+1)
		if err != nil {
			return treeSize{}, err
		}
		s.nodes += cs.nodes
		if cs.height+1 > s.height {
			s.height = cs.height + 1
		}
	}
	c.memo[n] = s
	return s, nil
}
