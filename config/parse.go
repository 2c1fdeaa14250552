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
	"github.com/floe-dev/floe/internal/yamlguard"
)

// Limits that keep hostile input from exhausting memory or time: yamlguard's, the same
// for every door. They apply to every file floe reads through a Root and to every YAML
// document it parses.
const (
	// MaxFileSize is the largest input file floe reads (checked with Stat before reading).
	MaxFileSize = yamlguard.MaxFileBytes
	// MaxDepth is the deepest nesting of YAML collections accepted (aliases included).
	MaxDepth = yamlguard.MaxDepth
	// MaxAliasExpansion is the most nodes YAML aliases may add when expanded.
	MaxAliasExpansion = yamlguard.MaxExpansion
	// MaxAliases is the most alias nodes (*name) one document may contain.
	MaxAliases = yamlguard.MaxAliases
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
	// Bounded before anything (the decoder of types.go, the rules) walks it.
	if err := yamlguard.File.New(file).Node(node); err != nil {
		var ge *yamlguard.Error
		if errors.As(err, &ge) {
			return nil, diag.List{{File: file, Line: ge.Line, Col: ge.Column, Message: ge.Message}}
		}
		return nil, diag.Errorf(file, "", "%v", err)
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
