package cmpserver

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sync"
	"time"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/render"
)

// renderCache keeps renders by their options and the digests of every input they read
// (render.ReadSet, D-DIFF-05): a render whose reads all answer alike in a new tarball
// is served again after hashing just those inputs. An entry lives ttl at most, since the
// policy gate reads the clock (exception expiry); the cache holds max entries and
// maxBytes bytes of them (0: no byte bound; D-ARGO-09), oldest dropped first.
type renderCache struct {
	mu     sync.Mutex
	ttl    time.Duration
	max    int
	byKey  map[string][]*cached
	order  []*cached // insertion order, for eviction
	now    func() time.Time
	hits   int64
	misses int64
	// reads counts, by clean path, the entries that read the file, and products the
	// entries whose product file it is. The keep set (D-ARGO-08) is the files read but
	// no entry's product file: the platform's files, shared by every product; a request
	// adds its own product file. Both are bounded with the entries.
	reads, products map[string]int

	// maxBytes bounds the entries' size (manifests and read sets), bytes counts it.
	maxBytes, bytes int64
}

type cached struct {
	key       string
	reads     *render.ReadSet
	product   string // the product file, clean
	manifests []string
	at        time.Time
	size      int64
}

// entrySize estimates an entry's bytes: its strings plus a word-sized overhead for each.
func entrySize(key string, reads *render.ReadSet, manifests []string) int64 {
	n := int64(len(key) + 128)
	for _, m := range manifests {
		n += int64(len(m) + 16)
	}
	for _, r := range reads.Reads {
		n += int64(len(r.Op) + len(r.Path) + len(r.Answer) + 48)
	}
	return n
}

func newRenderCache(ttl time.Duration, max int, maxBytes int64, now func() time.Time) *renderCache {
	return &renderCache{ttl: ttl, max: max, maxBytes: maxBytes, byKey: map[string][]*cached{}, now: now,
		reads: map[string]int{}, products: map[string]int{}}
}

// optionsKey digests every render option but the root: two requests with the same key
// and the same answers to the read set render the same bytes.
func optionsKey(o render.Options, fixedClock bool) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	field(o.ContractPath)
	field(o.ProductPath)
	field(o.Runtime)
	field(o.ImageTag)
	field(o.Enforcement)
	field(o.FloeVersion)
	if fixedClock { // SOURCE_DATE_EPOCH: the time is an input like any other
		field(o.Now.UTC().Format(time.RFC3339Nano))
	}
	keys := make([]string, 0, len(o.Annotations))
	for k := range o.Annotations {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		field(k)
		field(o.Annotations[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// get returns the manifests of a live entry under key whose reads root answers alike.
// An entry that read a file root did not keep in memory is passed over (it was cached
// while the tarball streamed in): deciding it would unpack the rest of the tarball.
func (c *renderCache) get(key string, root *memRoot) ([]string, bool) {
	if c == nil || c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	entries := slices.Clone(c.byKey[key])
	c.mu.Unlock()
	now := c.now()
	for _, e := range entries {
		if now.Sub(e.at) > c.ttl {
			continue
		}
		if !readsInMemory(e.reads, root) {
			continue
		}
		if _, changed := e.reads.FirstChange(root); !changed {
			c.mu.Lock()
			c.hits++
			c.mu.Unlock()
			return e.manifests, true
		}
	}
	c.mu.Lock()
	c.misses++
	c.mu.Unlock()
	return nil, false
}

func readsInMemory(reads *render.ReadSet, root *memRoot) bool {
	for _, r := range reads.Reads {
		if r.Op == "file" && !root.inMemory(r.Path) {
			return false
		}
	}
	return true
}

// keeps reports whether the file at the clean path p is in the keep set: a cached
// render read it, and it is no cached render's product file.
func (c *renderCache) keeps(p string) bool {
	if c == nil || c.max <= 0 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads[p] > 0 && c.products[p] == 0
}

// track adds (+1) or removes (-1) an entry's files from the counts behind keeps.
func (c *renderCache) track(e *cached, delta int) {
	count := func(m map[string]int, p string) {
		if m[p] += delta; m[p] <= 0 {
			delete(m, p)
		}
	}
	for _, r := range e.reads.Reads {
		if r.Op != "file" {
			continue
		}
		if p, err := config.CleanRel(r.Path); err == nil { // else a read the root refused
			count(c.reads, p)
		}
	}
	count(c.products, e.product)
}

// put stores a render of the product file product; an entry under key with the same
// reads is replaced.
func (c *renderCache) put(key, product string, reads *render.ReadSet, manifests []string) {
	if c == nil || c.max <= 0 {
		return
	}
	if p, err := config.CleanRel(product); err == nil {
		product = p
	}
	e := &cached{key: key, product: product, reads: reads, manifests: manifests, at: c.now(), size: entrySize(key, reads, manifests)}
	if c.maxBytes > 0 && e.size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	list := slices.DeleteFunc(c.byKey[key], func(old *cached) bool {
		if slices.Equal(old.reads.Reads, reads.Reads) || c.now().Sub(old.at) > c.ttl {
			c.order = slices.DeleteFunc(c.order, func(o *cached) bool { return o == old })
			c.track(old, -1)
			c.bytes -= old.size
			return true
		}
		return false
	})
	c.byKey[key] = append(list, e)
	c.order = append(c.order, e)
	c.track(e, +1)
	c.bytes += e.size
	for len(c.order) > c.max || c.maxBytes > 0 && c.bytes > c.maxBytes {
		old := c.order[0]
		c.order = c.order[1:]
		c.track(old, -1)
		c.bytes -= old.size
		c.byKey[old.key] = slices.DeleteFunc(c.byKey[old.key], func(o *cached) bool { return o == old })
		if len(c.byKey[old.key]) == 0 {
			delete(c.byKey, old.key)
		}
	}
}

// Stats are the render cache's counters and what the tarballs received held and kept in
// memory (D-ARGO-08).
type Stats struct {
	Hits, Misses int64
	KeepSet      int   // files in the cache's keep set now (D-ARGO-08)
	Tarballs     int64 // tarballs received whole (checksum checked)
	Files, Bytes int64 // regular files in them, and their sizes
	// KeptFiles and KeptBytes are those held in memory as the tarballs streamed in.
	KeptFiles, KeptBytes int64
	// Fallbacks are the requests that read a file not kept, which unpacked the rest of
	// their tarball from its compressed bytes.
	Fallbacks int64
}

func (c *renderCache) stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Stats{Hits: c.hits, Misses: c.misses}
	for p := range c.reads {
		if c.products[p] == 0 {
			st.KeepSet++
		}
	}
	return st
}

// unpackCounts add up the requests' counts.
type unpackCounts struct {
	mu sync.Mutex
	st Stats
}

func (u *unpackCounts) add(c counts, fellBack bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.st.Tarballs++
	u.st.Files += c.files
	u.st.Bytes += c.bytes
	u.st.KeptFiles += c.keptFiles
	u.st.KeptBytes += c.keptBytes
	if fellBack {
		u.st.Fallbacks++
	}
}

func (u *unpackCounts) into(st *Stats) {
	u.mu.Lock()
	defer u.mu.Unlock()
	st.Tarballs, st.Files, st.Bytes = u.st.Tarballs, u.st.Files, u.st.Bytes
	st.KeptFiles, st.KeptBytes, st.Fallbacks = u.st.KeptFiles, u.st.KeptBytes, u.st.Fallbacks
}
