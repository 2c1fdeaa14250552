package kustomize

import (
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Pipeline chains filters into one kio.Filter, applied in order. Unlike
// kio.Pipeline it adds no bookkeeping annotations and keeps going when a
// filter returns no nodes.
func Pipeline(filters ...kio.Filter) kio.Filter {
	return kio.FilterFunc(func(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
		var err error
		for _, f := range filters {
			if nodes, err = f.Filter(nodes); err != nil {
				return nil, err
			}
		}
		return nodes, nil
	})
}

// Transform parses a manifest stream, applies the filters in order and emits
// the result: ParseStream, Pipeline, EmitStream in one call. On error it
// returns no output.
func Transform(in []byte, filters ...kio.Filter) ([]byte, error) {
	nodes, err := ParseStream(in)
	if err != nil {
		return nil, err
	}
	if nodes, err = Pipeline(filters...).Filter(nodes); err != nil {
		return nil, err
	}
	return EmitStream(nodes)
}
