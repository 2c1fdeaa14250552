package cmpapi

import (
	"errors"
	"fmt"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
)

// AppStreamRequest is one message of a request stream: the metadata first, then the
// repository tarball in File chunks (oneof request { metadata = 1; file = 2 }).
type AppStreamRequest struct {
	Metadata *ManifestRequestMetadata // set on the first message
	File     *File                    // set on every later one
}

// ManifestRequestMetadata describes the tarball and the Application.
type ManifestRequestMetadata struct {
	AppName    string      // 1
	AppRelPath string      // 2: the Application's directory inside the tarball
	Checksum   string      // 3: hex SHA-256 of the whole tarball
	Size       int64       // 4: tarball size in bytes
	Env        []*EnvEntry // 5
}

// EnvEntry is one environment variable the repo-server sends.
type EnvEntry struct {
	Name  string // 1
	Value string // 2
}

// File is one chunk of the tarball.
type File struct {
	Chunk []byte // 1
}

// ManifestResponse answers GenerateManifest: one JSON (or YAML) document per object.
type ManifestResponse struct {
	Manifests  []string // 1
	SourceType string   // 2
}

// RepositoryResponse answers MatchRepository.
type RepositoryResponse struct {
	IsSupported        bool // 1
	IsDiscoveryEnabled bool // 2
}

// ParametersAnnouncementResponse answers GetParametersAnnouncement.
type ParametersAnnouncementResponse struct {
	ParameterAnnouncements []*ParameterAnnouncement // 1
}

// ParameterAnnouncement is repository.ParameterAnnouncement of argo-cd's
// reposerver/repository/repository.proto.
type ParameterAnnouncement struct {
	Name           string            // 1
	Title          string            // 2
	Tooltip        string            // 3
	Required       bool              // 4
	ItemType       string            // 5
	CollectionType string            // 6
	String         string            // 7
	Array          []string          // 8
	Map            map[string]string // 9 (map<string,string>)
}

// CheckPluginConfigurationResponse answers CheckPluginConfiguration.
type CheckPluginConfigurationResponse struct {
	IsDiscoveryConfigured bool // 1
	ProvideGitCreds       bool // 2
}

// Empty is google.protobuf.Empty.
type Empty struct{}

// Message is what the codec carries.
type Message interface {
	marshal() []byte
	unmarshal([]byte) error
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendBytes(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendBool(b []byte, num protowire.Number, v bool) []byte {
	if !v {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, 1)
}

func (m *AppStreamRequest) marshal() []byte {
	var b []byte
	switch {
	case m.Metadata != nil:
		b = appendBytes(b, 1, m.Metadata.marshal())
	case m.File != nil:
		b = appendBytes(b, 2, m.File.marshal())
	}
	return b
}

func (m *ManifestRequestMetadata) marshal() []byte {
	var b []byte
	b = appendString(b, 1, m.AppName)
	b = appendString(b, 2, m.AppRelPath)
	b = appendString(b, 3, m.Checksum)
	if m.Size != 0 {
		b = protowire.AppendTag(b, 4, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(m.Size))
	}
	for _, e := range m.Env {
		b = appendBytes(b, 5, e.marshal())
	}
	return b
}

func (m *EnvEntry) marshal() []byte {
	return appendString(appendString(nil, 1, m.Name), 2, m.Value)
}

func (m *File) marshal() []byte {
	if len(m.Chunk) == 0 {
		return nil
	}
	return appendBytes(nil, 1, m.Chunk)
}

func (m *ManifestResponse) marshal() []byte {
	var b []byte
	for _, s := range m.Manifests {
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendString(b, s)
	}
	return appendString(b, 2, m.SourceType)
}

func (m *RepositoryResponse) marshal() []byte {
	return appendBool(appendBool(nil, 1, m.IsSupported), 2, m.IsDiscoveryEnabled)
}

func (m *CheckPluginConfigurationResponse) marshal() []byte {
	return appendBool(appendBool(nil, 1, m.IsDiscoveryConfigured), 2, m.ProvideGitCreds)
}

func (m *ParametersAnnouncementResponse) marshal() []byte {
	var b []byte
	for _, a := range m.ParameterAnnouncements {
		b = appendBytes(b, 1, a.marshal())
	}
	return b
}

func (m *ParameterAnnouncement) marshal() []byte {
	var b []byte
	b = appendString(b, 1, m.Name)
	b = appendString(b, 2, m.Title)
	b = appendString(b, 3, m.Tooltip)
	b = appendBool(b, 4, m.Required)
	b = appendString(b, 5, m.ItemType)
	b = appendString(b, 6, m.CollectionType)
	b = appendString(b, 7, m.String)
	for _, s := range m.Array {
		b = protowire.AppendTag(b, 8, protowire.BytesType)
		b = protowire.AppendString(b, s)
	}
	keys := make([]string, 0, len(m.Map))
	for k := range m.Map {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic bytes
	for _, k := range keys {
		entry := protowire.AppendString(protowire.AppendTag(nil, 1, protowire.BytesType), k)
		entry = protowire.AppendString(protowire.AppendTag(entry, 2, protowire.BytesType), m.Map[k])
		b = appendBytes(b, 9, entry)
	}
	return b
}

func (m *Empty) marshal() []byte { return nil }

// field is one decoded field: its number and, for length-delimited fields, its bytes;
// for varints, its value.
type field struct {
	num   protowire.Number
	typ   protowire.Type
	bytes []byte
	value uint64
}

// fields decodes one message's fields. Unknown fields are kept for the caller to skip;
// a malformed message is an error.
func fields(b []byte) ([]field, error) {
	var out []field
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, fmt.Errorf("protobuf: %w", protowire.ParseError(n))
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, fmt.Errorf("protobuf: field %d: %w", num, protowire.ParseError(n))
			}
			f.bytes, b = v, b[n:]
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, fmt.Errorf("protobuf: field %d: %w", num, protowire.ParseError(n))
			}
			f.value, b = v, b[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return nil, fmt.Errorf("protobuf: field %d: %w", num, protowire.ParseError(n))
			}
			b = b[n:]
		}
		out = append(out, f)
	}
	return out, nil
}

var errWireType = errors.New("protobuf: unexpected wire type")

func (m *AppStreamRequest) unmarshal(b []byte) error {
	fs, err := fields(b)
	if err != nil {
		return err
	}
	*m = AppStreamRequest{}
	for _, f := range fs {
		switch f.num {
		case 1, 2:
			if f.typ != protowire.BytesType {
				return errWireType
			}
			m.Metadata, m.File = nil, nil // oneof: the last one wins
			if f.num == 1 {
				m.Metadata = &ManifestRequestMetadata{}
				if err := m.Metadata.unmarshal(f.bytes); err != nil {
					return err
				}
			} else {
				m.File = &File{}
				if err := m.File.unmarshal(f.bytes); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (m *ManifestRequestMetadata) unmarshal(b []byte) error {
	fs, err := fields(b)
	if err != nil {
		return err
	}
	for _, f := range fs {
		switch {
		case f.num >= 1 && f.num <= 3 && f.typ == protowire.BytesType:
			s := string(f.bytes)
			switch f.num {
			case 1:
				m.AppName = s
			case 2:
				m.AppRelPath = s
			case 3:
				m.Checksum = s
			}
		case f.num == 4 && f.typ == protowire.VarintType:
			m.Size = int64(f.value)
		case f.num == 5 && f.typ == protowire.BytesType:
			e := &EnvEntry{}
			if err := e.unmarshal(f.bytes); err != nil {
				return err
			}
			m.Env = append(m.Env, e)
		case f.num >= 1 && f.num <= 5:
			return errWireType
		}
	}
	return nil
}

func (m *EnvEntry) unmarshal(b []byte) error {
	fs, err := fields(b)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if f.num != 1 && f.num != 2 {
			continue
		}
		if f.typ != protowire.BytesType {
			return errWireType
		}
		if f.num == 1 {
			m.Name = string(f.bytes)
		} else {
			m.Value = string(f.bytes)
		}
	}
	return nil
}

func (m *File) unmarshal(b []byte) error {
	fs, err := fields(b)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if f.num == 1 {
			if f.typ != protowire.BytesType {
				return errWireType
			}
			m.Chunk = f.bytes // aliases the message buffer, which gRPC does not reuse
		}
	}
	return nil
}

func (m *Empty) unmarshal(b []byte) error {
	_, err := fields(b)
	return err
}

// Responses are only sent; decoding them is not needed by the server.
func (m *ManifestResponse) unmarshal([]byte) error                 { return errSendOnly }
func (m *RepositoryResponse) unmarshal([]byte) error               { return errSendOnly }
func (m *ParametersAnnouncementResponse) unmarshal([]byte) error   { return errSendOnly }
func (m *CheckPluginConfigurationResponse) unmarshal([]byte) error { return errSendOnly }

var errSendOnly = errors.New("cmpapi: response messages are only encoded")
