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
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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

// keepModes are the ways a tarball's files are kept while it streams in: every file
// (today's whole unpack), none (every read unpacks the rest), some.
var keepModes = map[string]keepFunc{
	"keep all":  func(string) bool { return true },
	"keep none": func(string) bool { return false },
	"keep some": func(c string) bool { return len(c)%2 == 0 },
}

func keeping(k keepFunc) func(*cmpapi.ManifestRequestMetadata) keepFunc {
	return func(*cmpapi.ManifestRequestMetadata) keepFunc { return k }
}

var keepAll = keeping(keepModes["keep all"])

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
		for mode, keep := range keepModes {
			t.Run(name+"/"+mode, func(t *testing.T) {
				_, _, err := receive(newStream(tc.tarball, cmpapi.ManifestRequestMetadata{Checksum: tc.checksum}, 4096), lim, keeping(keep))
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %v, want one mentioning %q", err, tc.want)
				}
			})
		}
		if tc.checksum != "" || name == "larger than declared" {
			continue // the stream's checks; the second pass unpacks bytes that passed them
		}
		// The second pass (memRoot.fill) applies the same checks and limits: given these
		// bytes in place of those the first pass indexed, the read that needs it fails.
		t.Run(name+"/second pass", func(t *testing.T) {
			_, root, err := receive(newStream(tgz(t, ok), cmpapi.ManifestRequestMetadata{}, 4096), lim, keeping(keepModes["keep none"]))
			if err != nil {
				t.Fatal(err)
			}
			root.packed = [][]byte{tc.tarball}
			if b, err := root.ReadFile("a/floe.yaml"); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadFile: %q, %v; want an error mentioning %q", b, err, tc.want)
			}
			if _, err := root.ReadFile("a/floe.yaml"); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadFile again: %v; want the same error", err)
			}
		})
	}
}

// TestFillRefusesAnotherTree: a second pass that does not index exactly as the first
// did (another tree under the same name) is refused, and so is a read after the request
// ended or was cancelled.
func TestFillRefusesAnotherTree(t *testing.T) {
	base := []tarEntry{{name: "a/floe.yaml", body: "x"}, {name: "b/c", body: "yy"}}
	tests := map[string]struct {
		second []byte
		want   string
	}{
		"a file more":         {tgz(t, append(slices.Clone(base), tarEntry{name: "d", body: "z"})), "second pass"},
		"a size changed":      {tgz(t, []tarEntry{{name: "a/floe.yaml", body: "x"}, {name: "b/c", body: "yyy"}}), "differs on the second pass"},
		"a file became a dir": {tgz(t, []tarEntry{{name: "a/floe.yaml", body: "x"}, {name: "b/c/", typ: tar.TypeDir}, {name: "b/c/d", body: "yy"}}), "second pass"},
		"released":            {nil, "request has ended"},
		"request cancelled":   {tgz(t, base), "context canceled"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, root, err := receive(newStream(tgz(t, base), cmpapi.ManifestRequestMetadata{}, 4096), DefaultLimits, keeping(keepModes["keep none"]))
			if err != nil {
				t.Fatal(err)
			}
			if tc.second == nil {
				if root.release() {
					t.Error("release reports a fill that did not run")
				}
			} else {
				root.packed = [][]byte{tc.second}
			}
			if name == "request cancelled" {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				root.ctx = ctx
			}
			if b, err := root.ReadFile("b/c"); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadFile: %q, %v; want an error mentioning %q", b, err, tc.want)
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
	for mode, keep := range keepModes {
		t.Run(mode, func(t *testing.T) {
			_, mem, err := receive(newStream(tgz(t, entries), cmpapi.ManifestRequestMetadata{}, 7), DefaultLimits, keeping(keep))
			if err != nil {
				t.Fatal(err)
			}
			// Stat and ReadDir first: they answer from the index, so they must not need
			// the rest of the tarball.
			compareRoots(t, mem, osRoot, "stat", "dir")
			if mem.filled {
				t.Error("a Stat or ReadDir unpacked the rest of the tarball")
			}
			compareRoots(t, mem, osRoot, "file", "stat", "dir")
			if want := mode != "keep all"; mem.release() != want {
				t.Errorf("unpacked the rest: %v, want %v", !want, want)
			}
		})
	}
}

func compareRoots(t *testing.T, mem *memRoot, osRoot config.Root, ops ...string) {
	t.Helper()
	for _, rel := range []string{".", "platform", "platform/contract.yaml", "products", "products/a/floe.yaml",
		"products/b", "products/b/overlay", "empty", "missing", "products/missing.yaml", ".git/HEAD", "products/.GIT/x",
		"products/a/floe.yaml/x", "../x", "products/b/overlay/kustomization.yaml"} {
		if slices.Contains(ops, "file") {
			wantB, wantErr := osRoot.ReadFile(rel)
			gotB, gotErr := mem.ReadFile(rel)
			if !bytes.Equal(gotB, wantB) || (gotErr == nil) != (wantErr == nil) || errors.Is(gotErr, os.ErrNotExist) != errors.Is(wantErr, os.ErrNotExist) {
				t.Errorf("ReadFile(%s): got %q, %v; OSRoot %q, %v", rel, gotB, gotErr, wantB, wantErr)
			}
		}
		if slices.Contains(ops, "stat") {
			wantD, wantErr := osRoot.Stat(rel)
			gotD, gotErr := mem.Stat(rel)
			if gotD != wantD || (gotErr == nil) != (wantErr == nil) || errors.Is(gotErr, os.ErrNotExist) != errors.Is(wantErr, os.ErrNotExist) {
				t.Errorf("Stat(%s): got %v, %v; OSRoot %v, %v", rel, gotD, gotErr, wantD, wantErr)
			}
		}
		if slices.Contains(ops, "dir") {
			wantN, wantErr := osRoot.ReadDir(rel)
			gotN, gotErr := mem.ReadDir(rel)
			if !slices.Equal(gotN, wantN) || (gotErr == nil) != (wantErr == nil) {
				t.Errorf("ReadDir(%s): got %v, %v; OSRoot %v, %v", rel, gotN, gotErr, wantN, wantErr)
			}
		}
	}
}

// FuzzReceive: whatever the tarball, every entry kept is clean, inside the root and
// outside .git, and a root keeping some files (or none) answers every question exactly
// as the root keeping all of them, reading concurrently.
func FuzzReceive(f *testing.F) {
	f.Add(tgz(f, []tarEntry{{name: "a/floe.yaml", body: "x"}, {name: "l", link: "a", typ: tar.TypeSymlink}}))
	f.Add(tgz(f, []tarEntry{{name: "a/b", body: "1"}, {name: "a/b", body: "22"}, {name: "a/c", body: ""}, {name: "d/", typ: tar.TypeDir}, {name: "f", typ: tar.TypeFifo}}))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, tarball []byte) {
		lim := Limits{MaxTarball: 1 << 20, MaxBytes: 256 << 10, MaxEntries: 100}
		_, all, err := receive(newStream(tarball, cmpapi.ManifestRequestMetadata{}, 512), lim, keepAll)
		if err == nil {
			for p := range all.nodes {
				if c, err := config.CleanRel(p); err != nil || c != p || config.InGitDir(p) {
					t.Fatalf("kept %q", p)
				}
			}
		}
		for _, mode := range []string{"keep none", "keep some"} {
			_, root, kerr := receive(newStream(tarball, cmpapi.ManifestRequestMetadata{}, 512), lim, keeping(keepModes[mode]))
			if (err == nil) != (kerr == nil) {
				t.Fatalf("%s: error %v; keeping all: %v", mode, kerr, err)
			}
			if err != nil {
				continue
			}
			if len(root.nodes) != len(all.nodes) {
				t.Fatalf("%s: %d entries; keeping all: %d", mode, len(root.nodes), len(all.nodes))
			}
			paths := slices.Sorted(maps.Keys(all.nodes))
			backward := slices.Clone(paths)
			slices.Reverse(backward)
			var wg sync.WaitGroup
			for _, order := range [][]string{paths, backward} { // two readers at once
				wg.Go(func() {
					for _, p := range order {
						wantB, wantErr := all.ReadFile(p)
						gotB, gotErr := root.ReadFile(p)
						if !bytes.Equal(gotB, wantB) || (gotErr == nil) != (wantErr == nil) {
							t.Errorf("%s: ReadFile(%s): %q, %v; keeping all: %q, %v", mode, p, gotB, gotErr, wantB, wantErr)
						}
						wantN, _ := all.ReadDir(p)
						gotN, _ := root.ReadDir(p)
						if !slices.Equal(gotN, wantN) {
							t.Errorf("%s: ReadDir(%s): %v; keeping all: %v", mode, p, gotN, wantN)
						}
					}
				})
			}
			wg.Wait()
		}
	})
}
