package diff

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/secretshape"
)

// Change says what happened to an object or a field.
type Change string

// Changes of objects (Added, Removed, Changed, Renamed) and of fields (Added, Removed,
// Changed, Reordered).
const (
	Added     Change = "added"
	Removed   Change = "removed"
	Changed   Change = "changed"
	Renamed   Change = "renamed"
	Reordered Change = "reordered" // a name-keyed list kept its entries in another order
)

// Result is the difference between two manifest streams.
type Result struct {
	Summary Summary      `json:"summary"`
	Objects []ObjectDiff `json:"objects"` // objects that differ, ordered by kind, namespace, name
}

// Summary counts objects by what happened to them.
type Summary struct {
	Added     int `json:"added"`
	Removed   int `json:"removed"`
	Changed   int `json:"changed"`
	Renamed   int `json:"renamed"`
	Unchanged int `json:"unchanged"`
}

// Differs reports whether any object was added, removed, changed or renamed.
func (r *Result) Differs() bool {
	s := r.Summary
	return s.Added+s.Removed+s.Changed+s.Renamed > 0
}

// ObjectDiff is one object that differs; for a removed object the names are the old ones.
type ObjectDiff struct {
	Kind        string  `json:"kind"`
	Namespace   string  `json:"namespace"`
	Name        string  `json:"name"`
	APIVersion  string  `json:"apiVersion"`
	Change      Change  `json:"change"`
	RenamedFrom string  `json:"renamedFrom,omitempty"` // "namespace/name" (or "name") before the rename
	Fields      []Field `json:"fields"`
	id          ID
}

// Field is one differing leaf. Path uses dots for mapping keys, [name=x] for entries of
// lists whose every element has a unique name, and [i] otherwise (the new index, or
// the old one for a removed element). A redacted field carries sizes, never values.
type Field struct {
	Path     string `json:"path"`
	Change   Change `json:"change"`
	Old      *Value `json:"old,omitempty"`
	New      *Value `json:"new,omitempty"`
	Redacted bool   `json:"redacted,omitempty"`
	OldBytes *int   `json:"oldBytes,omitempty"` // redacted only: size of the old value
	NewBytes *int   `json:"newBytes,omitempty"` // redacted only: size of the new value
	OldType  string `json:"-"`                  // redacted only: YAML types, for "type changed"
	NewType  string `json:"-"`
	sameText bool   // redacted only: old and new have the same text (only the type changed)
}

// Compare parses two manifest streams and compares them. Parse problems of both
// streams are returned together as a diag.List.
func Compare(fromFile string, from []byte, toFile string, to []byte) (*Result, error) {
	a, errA := Parse(fromFile, from)
	b, errB := Parse(toFile, to)
	if errA != nil || errB != nil {
		var all diag.List
		for _, err := range []error{errA, errB} {
			if l, ok := err.(diag.List); ok {
				all = append(all, l...)
			} else if err != nil {
				return nil, err
			}
		}
		return nil, all
	}
	return CompareObjects(a, b), nil
}

// CompareObjects compares two sets of objects: pairs by identity, then recognises
// renames among the unpaired (same group and kind, similar content), then reports
// the rest as added or removed.
func CompareObjects(from, to []Object) *Result {
	r := &Result{Objects: []ObjectDiff{}}
	toByID := make(map[ID]*Object, len(to))
	for i := range to {
		toByID[to[i].ID()] = &to[i]
	}
	paired := make(map[ID]bool, len(from))
	var removed, added []*Object
	for i := range from {
		a := &from[i]
		id := a.ID()
		b, ok := toByID[id]
		if !ok {
			removed = append(removed, a)
			continue
		}
		paired[id] = true
		fields := compareBodies(a, b)
		if len(fields) == 0 {
			r.Summary.Unchanged++
			continue
		}
		r.Summary.Changed++
		r.Objects = append(r.Objects, objectDiff(b, Changed, fields))
	}
	for i := range to {
		if !paired[to[i].ID()] {
			added = append(added, &to[i])
		}
	}
	for _, p := range renames(removed, added) {
		od := objectDiff(p.to, Renamed, compareBodies(p.from, p.to))
		od.RenamedFrom = qualifiedName(p.from.Namespace, p.from.Name)
		r.Objects = append(r.Objects, od)
		r.Summary.Renamed++
	}
	for _, a := range removed {
		if a != nil {
			w := newWalk(a)
			w.removeAll(at{}, a.Body)
			r.Objects = append(r.Objects, objectDiff(a, Removed, w.fields))
			r.Summary.Removed++
		}
	}
	for _, b := range added {
		if b != nil {
			w := newWalk(b)
			w.addAll(at{}, b.Body)
			r.Objects = append(r.Objects, objectDiff(b, Added, w.fields))
			r.Summary.Added++
		}
	}
	sort.SliceStable(r.Objects, func(i, j int) bool { return r.Objects[i].id.less(r.Objects[j].id) })
	return r
}

func objectDiff(o *Object, c Change, fields []Field) ObjectDiff {
	if fields == nil {
		fields = []Field{}
	}
	return ObjectDiff{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, APIVersion: o.APIVersion,
		Change: c, Fields: fields, id: o.ID()}
}

func compareBodies(a, b *Object) []Field {
	w := newWalk(b)
	if a.Kind == "Secret" && group(a.APIVersion) == "" {
		w.secretKind = true // a Secret that stops being one keeps its old data hidden
	}
	w.diff(at{}, a.Body, b.Body)
	return w.fields
}

// objectWalk collects the fields of one object's difference.
type objectWalk struct {
	secretKind    bool
	configMapKind bool
	fields        []Field
}

func newWalk(o *Object) *objectWalk {
	core := group(o.APIVersion) == ""
	return &objectWalk{
		secretKind:    core && o.Kind == "Secret",
		configMapKind: core && o.Kind == "ConfigMap",
	}
}

func (o *objectWalk) diff(c at, a, b any) {
	switch x := a.(type) {
	case map[string]any:
		if y, ok := b.(map[string]any); ok {
			o.diffMaps(c, x, y)
			return
		}
	case []any:
		if y, ok := b.([]any); ok {
			o.diffLists(c, x, y)
			return
		}
	case string:
		// Two JSON documents held in strings (Dagster's container context, an
		// annotation) are compared field by field: path "….value(json).k8s.env[name=X]".
		if y, ok := b.(string); ok && x != y {
			if ja, ok := embeddedJSON(x); ok {
				if jb, ok := embeddedJSON(y); ok {
					o.diff(at{path: c.path + "(json)", depth: c.depth + 1, secret: c.secret}, ja, jb)
					return
				}
			}
		}
	}
	if equal(a, b) {
		return
	}
	if isLeaf(a) && isLeaf(b) {
		o.leaf(c, Changed, a, b)
		return
	}
	o.removeAll(c, a)
	o.addAll(c, b)
}

func (o *objectWalk) diffMaps(c at, a, b map[string]any) {
	keys := slices.Sorted(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		av, inA := a[k]
		bv, inB := b[k]
		if inA && inB && equal(av, bv) {
			continue
		}
		n := o.child(c, k)
		switch {
		case inA && inB:
			o.diff(n, av, bv)
		case inA:
			o.removeAll(n, av)
		default:
			o.addAll(n, bv)
		}
	}
}

// nameKeys returns the name of every element when each is a mapping with a distinct
// string name, else nil. An empty list is keyed (it has no elements to contradict it).
func nameKeys(l []any) ([]string, bool) {
	names := make([]string, len(l))
	seen := make(map[string]bool, len(l))
	for i, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		n, ok := m["name"].(string)
		if !ok || seen[n] {
			return nil, false
		}
		seen[n] = true
		names[i] = n
	}
	return names, true
}

func (o *objectWalk) diffLists(c at, a, b []any) {
	na, okA := nameKeys(a)
	nb, okB := nameKeys(b)
	if okA && okB && (len(a) > 0 || len(b) > 0) {
		o.diffKeyed(c, a, b, na, nb)
		return
	}
	o.diffIndexed(c, a, b)
}

func (o *objectWalk) diffKeyed(c at, a, b []any, na, nb []string) {
	idxA := make(map[string]int, len(na))
	for i, n := range na {
		idxA[n] = i
	}
	inB := make(map[string]bool, len(nb))
	var orderA, orderB []any
	for j, n := range nb {
		inB[n] = true
		if i, ok := idxA[n]; ok {
			orderB = append(orderB, n)
			if !equal(a[i], b[j]) {
				o.diff(o.elem(c, nameSeg("name", n), a[i], b[j]), a[i], b[j])
			}
		} else {
			o.eachNamed(o.elem(c, nameSeg("name", n), nil, b[j]), b[j], Added)
		}
	}
	for i, n := range na {
		if inB[n] {
			orderA = append(orderA, n)
			continue
		}
		o.eachNamed(o.elem(c, nameSeg("name", n), a[i], nil), a[i], Removed)
	}
	if !equal(orderA, orderB) {
		o.leaf(c, Reordered, orderA, orderB)
	}
}

// maxAlign bounds the content alignment of unkeyed lists (elements of one side times
// the other, after the common head and tail); beyond it elements pair by position.
const maxAlign = 1 << 16

// diffIndexed aligns two lists by content (longest matching blocks) and compares the
// elements that were replaced position by position.
func (o *objectWalk) diffIndexed(c at, a, b []any) {
	head := 0
	for head < len(a) && head < len(b) && equal(a[head], b[head]) {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && equal(a[len(a)-1-tail], b[len(b)-1-tail]) {
		tail++
	}
	ma, mb := a[head:len(a)-tail], b[head:len(b)-tail]
	if len(ma) == 0 && len(mb) == 0 {
		return
	}
	ops := []difflib.OpCode{{Tag: 'r', I1: 0, I2: len(ma), J1: 0, J2: len(mb)}}
	if len(ma) > 0 && len(mb) > 0 && len(ma)*len(mb) <= maxAlign {
		ca := make([]string, len(ma))
		for i, e := range ma {
			ca[i] = canonical(e)
		}
		cb := make([]string, len(mb))
		for i, e := range mb {
			cb[i] = canonical(e)
		}
		ops = difflib.NewMatcher(ca, cb).GetOpCodes()
	}
	for _, op := range ops {
		if op.Tag == 'e' {
			continue
		}
		i, j := op.I1+head, op.J1+head
		i2, j2 := op.I2+head, op.J2+head
		for ; i < i2 && j < j2; i, j = i+1, j+1 {
			o.diff(o.elem(c, index(j), a[i], b[j]), a[i], b[j])
		}
		for ; i < i2; i++ {
			o.removeAll(o.elem(c, index(i), a[i], nil), a[i])
		}
		for ; j < j2; j++ {
			o.addAll(o.elem(c, index(j), nil, b[j]), b[j])
		}
	}
}

func index(i int) string { return "[" + strconv.Itoa(i) + "]" }

func (o *objectWalk) addAll(c at, v any)    { o.each(c, v, Added) }
func (o *objectWalk) removeAll(c at, v any) { o.each(c, v, Removed) }

// each reports every leaf of v as added or removed.
func (o *objectWalk) each(c at, v any, ch Change) {
	if isLeaf(v) {
		if ch == Added {
			o.leaf(c, ch, nil, v)
		} else {
			o.leaf(c, ch, v, nil)
		}
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			o.each(o.child(c, k), x[k], ch)
		}
	case []any:
		names, keyed := nameKeys(x)
		for i, e := range x {
			if keyed {
				o.eachNamed(o.elem(c, nameSeg("name", names[i]), e, e), e, ch)
			} else {
				o.each(o.elem(c, index(i), e, e), e, ch)
			}
		}
	}
}

// eachNamed is each for an element of a name-keyed list: its name is in the path
// already, so it is reported only when the element holds nothing else.
func (o *objectWalk) eachNamed(c at, e any, ch Change) {
	m, _ := e.(map[string]any)
	if len(m) <= 1 {
		o.each(c, e, ch)
		return
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k != "name" {
			o.each(o.child(c, k), m[k], ch)
		}
	}
}

func (o *objectWalk) leaf(c at, ch Change, a, b any) {
	f := Field{Path: c.path, Change: ch}
	if c.secret || anySecret(a) || anySecret(b) || c.named && (namedSecret(a) || namedSecret(b)) {
		f.Redacted = true
		if ch != Added {
			n := len(text(a))
			f.OldBytes, f.OldType = &n, typeName(a)
		}
		if ch != Removed {
			n := len(text(b))
			f.NewBytes, f.NewType = &n, typeName(b)
		}
		f.sameText = ch == Changed && text(a) == text(b)
		o.fields = append(o.fields, f)
		return
	}
	if ch != Added {
		f.Old = &Value{a}
	}
	if ch != Removed {
		f.New = &Value{b}
	}
	o.fields = append(o.fields, f)
}

// namedSecret reports whether v, held by a secret-named key, could be a secret.
func namedSecret(v any) bool {
	s, ok := v.(string)
	return ok && secretshape.Literal(s)
}

// anySecret is looksSecret for a leaf or a list of names.
func anySecret(v any) bool {
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if looksSecret(e) {
				return true
			}
		}
		return false
	}
	return looksSecret(v)
}

// maxEmbeddedJSON bounds the strings that are parsed as JSON documents.
const maxEmbeddedJSON = 1 << 20

// embeddedJSON parses s when it holds one JSON object or array, into the values Parse
// produces (integers as int64, other numbers as float64).
func embeddedJSON(s string) (any, bool) {
	t := strings.TrimSpace(s)
	if len(t) < 2 || len(t) > maxEmbeddedJSON || (t[0] != '{' && t[0] != '[') {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	if _, err := dec.Token(); err == nil {
		return nil, false // trailing data
	}
	return fromJSON(v), true
}

func fromJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = fromJSON(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = fromJSON(e)
		}
		return x
	case json.Number:
		if !bytes.ContainsAny([]byte(x), ".eE") {
			if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				return n
			}
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	}
	return v
}
