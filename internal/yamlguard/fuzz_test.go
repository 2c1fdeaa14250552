package yamlguard

import (
	"bytes"
	"testing"

	kyaml "go.yaml.in/yaml/v3"
	"gopkg.in/yaml.v3"
)

// FuzzCheck: whatever the input, Check ends quickly and, when it accepts, walking the
// documents with every alias expanded stays within the limits it promised.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"a: 1\n", "a: &a [x, x]\nb: [*a, *a]\n", "a: &a [*a]\n", "a: &x {b: *x}\n",
		"a: &a {b: 1}\nc: {<<: *a}\n---\nd: *a\n", laughs(9, 9), "[[[[[[[[]]]]]]]]",
		"? &k [a]\n: *k\n",
	} {
		f.Add([]byte(s))
	}
	limits := Limits{MaxBytes: 1 << 16, MaxDepth: 20, MaxAliases: 50, MaxExpansion: 500}
	f.Fuzz(func(t *testing.T, data []byte) {
		verdict := limits.Check("f", data)
		if kv := kyamlCheck(limits, data); (kv == nil) != (verdict == nil) {
			t.Fatalf("yaml.v3 says %v, kyaml's fork says %v", verdict, kv)
		}
		if verdict != nil {
			return
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		total := 0
		for {
			var doc yaml.Node
			if decode(dec, &doc) != nil {
				return
			}
			n, depth := expand(&doc, 0, 0)
			total += n
			if depth > limits.MaxDepth {
				t.Fatalf("accepted depth %d", depth)
			}
			if total > len(data)+limits.MaxExpansion+64 {
				t.Fatalf("accepted %d expanded nodes from %d bytes", total, len(data))
			}
		}
	})
}

// expand walks n with aliases followed (what a careless consumer does), returning the
// nodes visited and the deepest depth; it gives up past a budget so a bug cannot hang.
func expand(n *yaml.Node, depth, seen int) (int, int) {
	if seen > 1<<20 || depth > 1000 {
		return seen, depth
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return 0, depth
		}
		return expand(n.Alias, depth, seen)
	}
	count, deepest := 1, depth
	for _, c := range n.Content {
		k, d := expand(c, depth+1, seen+count)
		count += k
		deepest = max(deepest, d)
	}
	return count, deepest
}

// kyamlCheck is Limits.Check over the nodes of kyaml's yaml.v3 fork (KYAMLNode).
func kyamlCheck(l Limits, data []byte) (err error) {
	if l.MaxBytes > 0 && len(data) > l.MaxBytes {
		return &Error{Name: "f", Message: "too large"}
	}
	defer func() {
		if recover() != nil {
			err = nil
		}
	}()
	g := l.New("f")
	dec := kyaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc kyaml.Node
		if dec.Decode(&doc) != nil {
			return nil
		}
		if err := g.KYAMLNode(&doc); err != nil {
			return err
		}
	}
}
