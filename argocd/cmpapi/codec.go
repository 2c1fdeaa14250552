package cmpapi

import "fmt"

// Codec is the gRPC codec for this package's messages, under the name "proto" so the
// content-subtype Argo CD's client sends selects it (grpc.ForceServerCodec).
type Codec struct{}

// Marshal implements encoding.Codec.
func (Codec) Marshal(v any) ([]byte, error) {
	m, ok := v.(Message)
	if !ok {
		return nil, fmt.Errorf("cmpapi: cannot encode %T", v)
	}
	return m.marshal(), nil
}

// Unmarshal implements encoding.Codec.
func (Codec) Unmarshal(data []byte, v any) error {
	m, ok := v.(Message)
	if !ok {
		return fmt.Errorf("cmpapi: cannot decode into %T", v)
	}
	return m.unmarshal(data)
}

// Name implements encoding.Codec.
func (Codec) Name() string { return "proto" }
