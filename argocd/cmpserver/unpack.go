package cmpserver

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/floe-dev/floe/argocd/cmpapi"
	"github.com/floe-dev/floe/config"
)

// Limits bound what one request may unpack (D-SEC-03). Passing any of them fails the
// request.
type Limits struct {
	MaxTarball int64 // compressed bytes received
	MaxBytes   int64 // uncompressed bytes (the whole tar stream: the gzip-bomb bound)
	MaxEntries int   // tar entries
}

// DefaultLimits: a monorepo of thousands of products fits; a bomb does not.
var DefaultLimits = Limits{MaxTarball: 256 << 20, MaxBytes: 512 << 20, MaxEntries: 100_000}

// ErrTarball marks a tarball refused by a limit or a hostile entry.
var ErrTarball = errors.New("tarball refused")

// chunkReader reads the tarball out of the request stream's File messages, hashing what
// it reads and refusing more than max bytes.
type chunkReader struct {
	stream cmpapi.Stream
	buf    []byte
	n, max int64
	hash   hashWriter
	eof    bool
	chunks [][]byte // every chunk read: the compressed tarball, for memRoot.fill
}

type hashWriter interface {
	io.Writer
	Sum([]byte) []byte
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.eof {
			return 0, io.EOF
		}
		if err := c.stream.Context().Err(); err != nil {
			return 0, err
		}
		m, err := c.stream.Recv()
		if errors.Is(err, io.EOF) {
			c.eof = true
			return 0, io.EOF
		}
		if err != nil {
			return 0, fmt.Errorf("receiving the tarball: %w", err)
		}
		if m.File == nil {
			return 0, fmt.Errorf("%w: a message after the metadata carries no file chunk", ErrTarball)
		}
		c.n += int64(len(m.File.Chunk))
		if c.n > c.max {
			return 0, fmt.Errorf("%w: larger than %d MiB compressed", ErrTarball, c.max>>20)
		}
		c.buf = m.File.Chunk // ours to keep: gRPC does not reuse a received message's buffer (cmpapi)
		c.chunks = append(c.chunks, c.buf)
		c.hash.Write(c.buf)
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

// countingReader fails once more than max bytes came out of the decompressor.
type countingReader struct {
	r      io.Reader
	n, max int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, fmt.Errorf("%w: more than %d MiB uncompressed", ErrTarball, c.max>>20)
	}
	return n, err
}

// keepFunc says whether the bytes of the regular file at a clean path are kept in memory
// while the tarball streams in (D-ARGO-08).
type keepFunc func(clean string) bool

// receive reads a request stream: the metadata message (given to onMetadata, which
// returns which files to keep), then the tarball, indexed as it arrives: every entry's
// path, kind and size and every directory listing, but only the bytes of the files keep
// names. The compressed bytes are kept too, so that the first read of any other file
// unpacks the rest once (memRoot.fill). The whole stream is read and its SHA-256 checked
// against the metadata's checksum before the root is returned. Entries under .git are
// dropped; an absolute or climbing name, a link pointing outside the tree, a
// non-directory parent, too many entries or bytes, or a checksum mismatch fail the
// request.
func receive(stream cmpapi.Stream, lim Limits, onMetadata func(*cmpapi.ManifestRequestMetadata) keepFunc) (*cmpapi.ManifestRequestMetadata, *memRoot, error) {
	first, err := stream.Recv()
	if err != nil {
		return nil, nil, fmt.Errorf("receiving the stream header: %w", err)
	}
	md := first.Metadata
	if md == nil {
		return nil, nil, errors.New("the stream does not begin with its metadata")
	}
	keep := onMetadata(md)
	if md.Size > lim.MaxTarball {
		return nil, nil, fmt.Errorf("%w: %d bytes, larger than %d MiB compressed", ErrTarball, md.Size, lim.MaxTarball>>20)
	}
	in := &chunkReader{stream: stream, max: lim.MaxTarball, hash: sha256.New()}
	root, err := untgz(in, lim, keep)
	if err != nil {
		return nil, nil, err
	}
	if _, err := io.Copy(io.Discard, in); err != nil { // the rest, for the checksum
		return nil, nil, err
	}
	if hex.EncodeToString(in.hash.Sum(nil)) != md.Checksum {
		return nil, nil, fmt.Errorf("%w: checksum mismatch", ErrTarball)
	}
	if root.count.unkept > 0 { // else every readable byte is in memory already
		root.packed, root.lim, root.ctx = in.chunks, lim, stream.Context()
	}
	return md, root, nil
}

// untgz indexes a gzipped tar stream into a memRoot, keeping the bytes of the regular
// files keep names (and of empty ones, which cost nothing).
func untgz(r io.Reader, lim Limits, keep keepFunc) (*memRoot, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: not gzip: %w", ErrTarball, err)
	}
	defer gz.Close()
	body := &countingReader{r: gz, max: lim.MaxBytes}
	tr := tar.NewReader(body)
	root := newMemRoot()
	for entries := 0; ; entries++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrTarball, err)
		}
		if entries >= lim.MaxEntries {
			return nil, fmt.Errorf("%w: more than %d entries", ErrTarball, lim.MaxEntries)
		}
		if err := unpackEntry(root, tr, h, keep); err != nil {
			return nil, err
		}
	}
	if _, err := io.Copy(io.Discard, body); err != nil { // padding; still bounded
		return nil, err
	}
	root.seal()
	return root, nil
}

func unpackEntry(root *memRoot, tr *tar.Reader, h *tar.Header, keep keepFunc) error {
	name := trimSlash(strings.TrimPrefix(h.Name, "./"))
	if name == "" || name == "." {
		return nil
	}
	c, err := config.CleanRel(name)
	if err != nil {
		return fmt.Errorf("%w: entry %q: %w", ErrTarball, h.Name, err)
	}
	if c == "." {
		return nil
	}
	if config.InGitDir(c) {
		return nil // floe never reads .git; the entry is not kept
	}
	var n *node
	switch h.Typeflag {
	case tar.TypeDir:
		n = &node{kind: kindDir}
	case tar.TypeReg:
		root.count.files++
		root.count.bytes += h.Size
		if h.Size > config.MaxFileSize {
			if _, err := io.Copy(io.Discard, tr); err != nil {
				return fmt.Errorf("%w: %s: %w", ErrTarball, c, err)
			}
			n = &node{kind: kindOversize, size: h.Size}
			break
		}
		if h.Size > 0 && !keep(c) {
			root.count.unkept++
			if _, err := io.Copy(io.Discard, tr); err != nil { // a short body fails as below
				return fmt.Errorf("%w: %s: %w", ErrTarball, c, err)
			}
			n = &node{kind: kindFile, size: h.Size}
			break
		}
		data := make([]byte, h.Size) // at most config.MaxFileSize; the body is bounded by MaxBytes
		if _, err := io.ReadFull(tr, data); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrTarball, c, err)
		}
		root.count.keptFiles++
		root.count.keptBytes += h.Size
		n = &node{kind: kindFile, held: true, data: data, size: int64(len(data))}
	case tar.TypeSymlink, tar.TypeLink:
		if err := checkLink(c, h); err != nil {
			return err
		}
		n = &node{kind: kindLink}
	default:
		n = &node{kind: kindSpecial}
	}
	if err := root.add(c, n); err != nil {
		return fmt.Errorf("%w: %w", ErrTarball, err)
	}
	return nil
}

// checkLink refuses a link whose target leaves the tree (Argo CD's untar refuses the
// same); links inside it are kept as entries floe refuses to read through.
func checkLink(c string, h *tar.Header) error {
	target := h.Linkname
	if h.Typeflag == tar.TypeSymlink && !strings.HasPrefix(target, "/") {
		target = path.Join(path.Dir(c), target)
	}
	if _, err := config.CleanRel(target); err != nil || config.InGitDir(path.Clean(target)) {
		return fmt.Errorf("%w: link %s points outside the repository (%q)", ErrTarball, c, h.Linkname)
	}
	return nil
}
