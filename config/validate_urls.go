package config

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/secretshape"
)

// Messages of the literal-credential rule. They never quote the value.
const (
	msgURLUserinfo = "URL carries credentials in its userinfo; use a secret reference"
	msgKeyMaterial = "value has the shape of key material (%s); keep it in a Kubernetes Secret and use a secret reference"
)

// literalCredentials refuses every string value of the document that carries a
// credential: a URL with userinfo (https://user:password@host, https://token@host) or a
// value shaped like key material (a token, a JWT, a private key). floe copies endpoints
// and plugin configuration into ConfigMaps and environment variables, so a credential
// here would be published; every such value is reported at its own position and its
// path is marked so the field's other rules stay quiet about it.
func (c *checker) literalCredentials() {
	if c.src == nil || c.src.Node == nil {
		return
	}
	doc := c.src.Node
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	c.credentialsIn(doc, doc, "", 0)
}

// maxCredentialDepth bounds the walk (the parser bounds the tree already).
const maxCredentialDepth = 64

// credentialsIn walks n (at field path p; at is the node that locates p).
func (c *checker) credentialsIn(n, at *yaml.Node, p string, depth int) {
	if n == nil || depth > maxCredentialDepth {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			c.credentialsIn(n.Content[i+1], k, joinPath(p, k.Value), depth+1)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			c.credentialsIn(item, item, indexPath(p, i), depth+1)
		}
	case yaml.ScalarNode:
		if n.Tag != "!!str" && n.Tag != "" {
			return
		}
		msg := ""
		switch {
		case secretshape.URLUserinfo(n.Value):
			msg = msgURLUserinfo
		default:
			if name := secretshape.ShapeOf(n.Value); name != "" {
				msg = fmt.Sprintf(msgKeyMaterial, name)
			}
		}
		if msg != "" {
			c.diags = append(c.diags, diag.Diagnostic{File: c.src.Path, Line: at.Line, Col: at.Column, Path: p, Message: msg})
			c.bad[p] = true
		}
	}
	// aliases are refused by the parser; nothing else holds strings
}
