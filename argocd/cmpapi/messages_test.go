package cmpapi

import (
	"bytes"
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

func TestAppStreamRequestRoundTrip(t *testing.T) {
	tests := map[string]*AppStreamRequest{
		"metadata": {Metadata: &ManifestRequestMetadata{
			AppName: "a", AppRelPath: "products/a", Checksum: "abc", Size: 1 << 40,
			Env: []*EnvEntry{{Name: "ARGOCD_APP_NAME", Value: "a"}, {Name: "EMPTY"}},
		}},
		"file chunk": {File: &File{Chunk: []byte{0, 1, 2, 0xff}}},
		"empty file": {File: &File{}},
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			var got AppStreamRequest
			if err := (Codec{}).Unmarshal(want.marshal(), &got); err != nil {
				t.Fatal(err)
			}
			if want.File != nil && want.File.Chunk == nil {
				want.File.Chunk = nil
			}
			if !reflect.DeepEqual(&got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

// TestUnknownFieldsSkipped: a newer client's extra fields do not break decoding.
func TestUnknownFieldsSkipped(t *testing.T) {
	b := protowire.AppendTag(nil, 9, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, 7)
	b = append(b, (&AppStreamRequest{File: &File{Chunk: []byte("x")}}).marshal()...)
	var got AppStreamRequest
	if err := got.unmarshal(b); err != nil {
		t.Fatal(err)
	}
	if got.File == nil || string(got.File.Chunk) != "x" {
		t.Errorf("got %+v", got)
	}
}

func TestMalformed(t *testing.T) {
	for name, b := range map[string][]byte{
		"truncated tag":        {0x80},
		"truncated length":     {0x0a, 0x05, 'a'},
		"metadata as a varint": {0x08, 0x01},
		"size as bytes":        append([]byte{0x0a, 0x03}, 0x22, 0x01, 'x'),
	} {
		t.Run(name, func(t *testing.T) {
			var m AppStreamRequest
			if err := m.unmarshal(b); err == nil {
				t.Errorf("decoded %+v; want an error", m)
			}
		})
	}
}

// TestResponsesWire pins the bytes of a response against the field numbers of argo-cd's
// plugin.proto and repository.proto (the e2e module checks them with argo-cd's client).
func TestResponsesWire(t *testing.T) {
	got := (&ParametersAnnouncementResponse{ParameterAnnouncements: []*ParameterAnnouncement{{
		Name: "n", Required: true, Array: []string{"x"}, Map: map[string]string{"k": "v"},
	}}}).marshal()
	inner := []byte{0x0a, 1, 'n', 0x20, 1, 0x42, 1, 'x', 0x4a, 6, 0x0a, 1, 'k', 0x12, 1, 'v'}
	want := append([]byte{0x0a, byte(len(inner))}, inner...)
	if !bytes.Equal(got, want) {
		t.Errorf("got % x\nwant % x", got, want)
	}
	if got := (&ManifestResponse{Manifests: []string{"{}"}}).marshal(); !bytes.Equal(got, []byte{0x0a, 2, '{', '}'}) {
		t.Errorf("ManifestResponse: % x", got)
	}
	if got := (&RepositoryResponse{IsSupported: true, IsDiscoveryEnabled: true}).marshal(); !bytes.Equal(got, []byte{0x08, 1, 0x10, 1}) {
		t.Errorf("RepositoryResponse: % x", got)
	}
}

func FuzzAppStreamRequest(f *testing.F) {
	f.Add((&AppStreamRequest{Metadata: &ManifestRequestMetadata{AppName: "a", Env: []*EnvEntry{{Name: "K", Value: "V"}}}}).marshal())
	f.Add((&AppStreamRequest{File: &File{Chunk: []byte("chunk")}}).marshal())
	f.Add([]byte{0x0a, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		var m AppStreamRequest
		if err := m.unmarshal(b); err != nil {
			return
		}
		// What decodes re-encodes to something that decodes to the same message.
		var again AppStreamRequest
		if err := again.unmarshal(m.marshal()); err != nil {
			t.Fatalf("re-encoded message does not decode: %v", err)
		}
		if !reflect.DeepEqual(normalize(m), normalize(again)) {
			t.Fatalf("round trip changed %+v into %+v", m, again)
		}
	})
}

// normalize maps an empty chunk to nil (the wire does not tell them apart).
func normalize(m AppStreamRequest) AppStreamRequest {
	if m.File != nil && len(m.File.Chunk) == 0 {
		m.File = &File{}
	}
	return m
}
