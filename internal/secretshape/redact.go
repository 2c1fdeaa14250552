package secretshape

import (
	"sort"
	"strings"
)

// Redacted replaces a secret in printed text.
const Redacted = "<redacted>"

// Redact returns s with every part that has one of the Shapes replaced by Redacted; a
// URL keeps its scheme and host (https://<redacted>@host). Text without key material is
// returned unchanged.
func Redact(s string) string {
	locs := find(s, true)
	if len(locs) == 0 {
		return s
	}
	sort.Slice(locs, func(i, j int) bool { return locs[i][0] < locs[j][0] })
	var b strings.Builder
	last := 0
	for _, l := range locs {
		if l[0] < last {
			if l[1] > last {
				last = l[1] // overlaps the part already redacted
			}
			continue
		}
		b.WriteString(s[last:l[0]])
		part := s[l[0]:l[1]]
		if scheme, _, ok := strings.Cut(part, "://"); ok && strings.HasSuffix(part, "@") && !strings.ContainsAny(scheme, " \t") {
			b.WriteString(scheme + "://" + Redacted + "@")
		} else {
			b.WriteString(Redacted)
		}
		last = l[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// URLUserinfo reports whether s is a URL (scheme://…) whose authority carries userinfo
// (https://user:password@host, https://token@host): credentials a configuration must
// name through a secret reference instead.
func URLUserinfo(s string) bool {
	i := strings.Index(s, "://")
	if i <= 0 {
		return false
	}
	authority := s[i+3:]
	if end := strings.IndexAny(authority, "/?#"); end >= 0 {
		authority = authority[:end]
	}
	return strings.Contains(authority, "@")
}
