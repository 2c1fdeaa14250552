package diff

import (
	"sort"
	"strings"
)

// RenameThreshold is the least similarity (shared leaves over all leaves, names
// aside) for a removed and an added object of one kind to count as a rename.
const RenameThreshold = 0.5

// maxRenamePairs bounds the work spent on one kind: beyond it, no renames are sought.
const maxRenamePairs = 250000

type renamePair struct {
	from, to *Object
	score    float64
}

// renames pairs removed and added objects of the same group and kind whose content
// is similar, most similar first; ties go to the smaller old, then new, identity.
// Paired objects are set to nil in removed and added.
func renames(removed, added []*Object) []renamePair {
	type kindKey struct{ group, kind string }
	byKind := map[kindKey][]int{}
	for j, b := range added {
		k := kindKey{group(b.APIVersion), b.Kind}
		byKind[k] = append(byKind[k], j)
	}
	leavesA := make([]map[string]struct{}, len(removed))
	leavesB := make([]map[string]struct{}, len(added))
	var cands []renamePair
	var ci, cj []int
	for i, a := range removed {
		js := byKind[kindKey{group(a.APIVersion), a.Kind}]
		if len(js) == 0 {
			continue
		}
		if len(js)*countKind(removed, a) > maxRenamePairs {
			continue
		}
		if leavesA[i] == nil {
			leavesA[i] = leafSet(a)
		}
		for _, j := range js {
			if leavesB[j] == nil {
				leavesB[j] = leafSet(added[j])
			}
			s := similarity(leavesA[i], leavesB[j])
			if s >= RenameThreshold {
				cands = append(cands, renamePair{from: a, to: added[j], score: s})
				ci, cj = append(ci, i), append(cj, j)
			}
		}
	}
	order := make([]int, len(cands))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(x, y int) bool {
		p, q := cands[order[x]], cands[order[y]]
		if p.score != q.score {
			return p.score > q.score
		}
		if pi, qi := p.from.ID(), q.from.ID(); pi != qi {
			return pi.less(qi)
		}
		return p.to.ID().less(q.to.ID())
	})
	var out []renamePair
	for _, k := range order {
		i, j := ci[k], cj[k]
		if removed[i] == nil || added[j] == nil {
			continue
		}
		out = append(out, cands[k])
		removed[i], added[j] = nil, nil
	}
	return out
}

func countKind(objs []*Object, o *Object) int {
	n := 0
	for _, x := range objs {
		if x.Kind == o.Kind && group(x.APIVersion) == group(o.APIVersion) {
			n++
		}
	}
	return n
}

func similarity(a, b map[string]struct{}) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	small, large := a, b
	if len(small) > len(large) {
		small, large = large, small
	}
	shared := 0
	for k := range small {
		if _, ok := large[k]; ok {
			shared++
		}
	}
	return float64(shared) / float64(len(a)+len(b)-shared)
}

// leafSet is every leaf of an object as "path\x00value", leaving out what a rename
// changes by definition (name, namespace) and what the pairing already fixed.
func leafSet(o *Object) map[string]struct{} {
	set := map[string]struct{}{}
	var b strings.Builder
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) > 0 {
				for k, e := range x {
					walk(path+"."+k, e)
				}
				return
			}
		case []any:
			if len(x) > 0 {
				names, keyed := nameKeys(x)
				for i, e := range x {
					if keyed {
						walk(path+"[name="+names[i]+"]", e)
					} else {
						walk(path+index(i), e)
					}
				}
				return
			}
		}
		b.Reset()
		b.WriteString(path)
		b.WriteByte(0)
		canon(&b, v)
		set[b.String()] = struct{}{}
	}
	for k, v := range o.Body {
		if k == "apiVersion" || k == "kind" {
			continue
		}
		if k == "metadata" {
			if m, ok := v.(map[string]any); ok {
				for mk, mv := range m {
					if mk != "name" && mk != "namespace" {
						walk(".metadata."+mk, mv)
					}
				}
				continue
			}
		}
		walk("."+k, v)
	}
	return set
}
