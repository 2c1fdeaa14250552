package cmpserver

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/floe-dev/floe/argocd/cmpapi"
	"github.com/floe-dev/floe/config"
)

type tarEntry struct {
	name, link string
	typ        byte
	body       string
}

func tgz(t testing.TB, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: typ, Mode: 0o644, Size: int64(len(e.body))}
		if typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, e.body)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// fakeStream is a request stream: the metadata, then the tarball in chunks.
type fakeStream struct {
	ctx  context.Context
	msgs []*cmpapi.AppStreamRequest
}

func (f *fakeStream) Context() context.Context { return f.ctx }

func (f *fakeStream) Recv() (*cmpapi.AppStreamRequest, error) {
	if len(f.msgs) == 0 {
		return nil, io.EOF
	}
	m := f.msgs[0]
	f.msgs = f.msgs[1:]
	return m, nil
}

func newStream(tarball []byte, md cmpapi.ManifestRequestMetadata, chunk int) *fakeStream {
	if md.Checksum == "" {
		sum := sha256.Sum256(tarball)
		md.Checksum = hex.EncodeToString(sum[:])
	}
	md.Size = int64(len(tarball))
	s := &fakeStream{ctx: context.Background(), msgs: []*cmpapi.AppStreamRequest{{Metadata: &md}}}
	for off := 0; off < len(tarball); off += chunk {
		s.msgs = append(s.msgs, &cmpapi.AppStreamRequest{File: &cmpapi.File{Chunk: tarball[off:min(off+chunk, len(tarball))]}})
	}
	return s
}

func noLog(*cmpapi.ManifestRequestMetadata) {}

func TestReceiveRefuses(t *testing.T) {
	lim := Limits{MaxTarball: 1 << 20, MaxBytes: 64 << 10, MaxEntries: 10}
	ok := []tarEntry{{name: "a/floe.yaml", body: "x"}}
	tests := map[string]struct {
		tarball  []byte
		checksum string
		want     string
	}{
		"climbing entry":       {tarball: tgz(t, append(ok, tarEntry{name: "../x", body: "x"})), want: "climbs out"},
		"absolute entry":       {tarball: tgz(t, append(ok, tarEntry{name: "/etc/x", body: "x"})), want: "absolute"},
		"absolute symlink":     {tarball: tgz(t, append(ok, tarEntry{name: "l", link: "/etc/passwd", typ: tar.TypeSymlink})), want: "points outside"},
		"climbing symlink":     {tarball: tgz(t, append(ok, tarEntry{name: "a/l", link: "../../x", typ: tar.TypeSymlink})), want: "points outside"},
		"symlink into .git":    {tarball: tgz(t, append(ok, tarEntry{name: "a/l", link: "../.git/config", typ: tar.TypeSymlink})), want: "points outside"},
		"climbing hard link":   {tarball: tgz(t, append(ok, tarEntry{name: "a/l", link: "../x", typ: tar.TypeLink})), want: "points outside"},
		"bomb":                 {tarball: tgz(t, append(ok, tarEntry{name: "z", body: strings.Repeat("0", 128<<10)})), want: "uncompressed"},
		"too many entries":     {tarball: tgz(t, slices.Repeat(ok, 11)), want: "more than 10 entries"},
		"file under a file":    {tarball: tgz(t, append(ok, tarEntry{name: "a/floe.yaml/x", body: "x"})), want: "both as a directory and as a file"},
		"not gzip":             {tarball: []byte("plain"), want: "not gzip"},
		"checksum":             {tarball: tgz(t, ok), checksum: strings.Repeat("0", 64), want: "checksum mismatch"},
		"larger than declared": {tarball: bytes.Repeat([]byte{0}, 2<<20), want: "compressed"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := receive(newStream(tc.tarball, cmpapi.ManifestRequestMetadata{Checksum: tc.checksum}, 4096), lim, noLog)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// TestMemRootAnswersLikeOSRoot: over the same tree, the in-memory root answers every
// question as config.OSRoot does (bytes, listings, directories, missing paths, .git).
func TestMemRootAnswersLikeOSRoot(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"platform/contract.yaml": "c", "products/a/floe.yaml": "a", "products/b/floe.yaml": "b",
		"products/b/overlay/kustomization.yaml": "k", ".git/HEAD": "ref", "products/.GIT/x": "y",
	}
	var entries []tarEntry
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
		entries = append(entries, tarEntry{name: name, body: body})
	}
	entries = append(entries, tarEntry{name: "empty/", typ: tar.TypeDir})
	os.MkdirAll(filepath.Join(dir, "empty"), 0o755)
	osRoot, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, mem, err := receive(newStream(tgz(t, entries), cmpapi.ManifestRequestMetadata{}, 7), DefaultLimits, noLog)
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{".", "platform", "platform/contract.yaml", "products", "products/a/floe.yaml",
		"products/b", "products/b/overlay", "empty", "missing", "products/missing.yaml", ".git/HEAD", "products/.GIT/x",
		"products/a/floe.yaml/x", "../x"} {
		wantB, wantErr := osRoot.ReadFile(rel)
		gotB, gotErr := mem.ReadFile(rel)
		if !bytes.Equal(gotB, wantB) || (gotErr == nil) != (wantErr == nil) || errors.Is(gotErr, os.ErrNotExist) != errors.Is(wantErr, os.ErrNotExist) {
			t.Errorf("ReadFile(%s): got %q, %v; OSRoot %q, %v", rel, gotB, gotErr, wantB, wantErr)
		}
		wantD, wantErr := osRoot.Stat(rel)
		gotD, gotErr := mem.Stat(rel)
		if gotD != wantD || (gotErr == nil) != (wantErr == nil) || errors.Is(gotErr, os.ErrNotExist) != errors.Is(wantErr, os.ErrNotExist) {
			t.Errorf("Stat(%s): got %v, %v; OSRoot %v, %v", rel, gotD, gotErr, wantD, wantErr)
		}
		wantN, wantErr := osRoot.ReadDir(rel)
		gotN, gotErr := mem.ReadDir(rel)
		if !slices.Equal(gotN, wantN) || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("ReadDir(%s): got %v, %v; OSRoot %v, %v", rel, gotN, gotErr, wantN, wantErr)
		}
	}
}

func FuzzReceive(f *testing.F) {
	f.Add(tgz(f, []tarEntry{{name: "a/floe.yaml", body: "x"}, {name: "l", link: "a", typ: tar.TypeSymlink}}))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, tarball []byte) {
		lim := Limits{MaxTarball: 1 << 20, MaxBytes: 1 << 20, MaxEntries: 100}
		_, root, err := receive(newStream(tarball, cmpapi.ManifestRequestMetadata{}, 512), lim, noLog)
		if err != nil {
			return
		}
		// Every kept path is clean, inside the root and outside .git.
		for p := range root.nodes {
			if c, err := config.CleanRel(p); err != nil || c != p || config.InGitDir(p) {
				t.Fatalf("kept %q", p)
			}
		}
	})
}
