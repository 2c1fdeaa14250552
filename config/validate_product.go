package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // D-IN-06: IANA zones without relying on the host's zoneinfo

	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/diag"
)

var (
	tiers          = []string{"bronze", "silver", "gold"}
	dimensions     = []string{"completeness", "accuracy", "validity", "consistency", "timeliness"}
	checkSeverity  = []string{"critical", "warning", "info"}
	maxProductName = 63
)

func validateProduct(c *checker, p *FloeSpec) {
	c.literalCredentials()
	forbiddenKeys(c, p.Source.Node)

	c.literal("apiVersion", p.APIVersion, APIVersionFloe)
	if c.required("kind", p.Kind) && p.Kind != KindProduct {
		c.errorf("kind", "must be %q, got %s", KindProduct, show(p.Kind))
	}

	if c.section("metadata") {
		md := p.Metadata
		if c.required("metadata.name", md.Name) {
			validateProductName(c, md.Name)
		}
		if c.required("metadata.version", md.Version) {
			c.pattern("metadata.version", md.Version, reSemver, "a version MAJOR.MINOR.PATCH")
		}
		c.maxLen("metadata.description", md.Description, 500)
		if md.Owner != nil && *md.Owner == "" {
			c.errorf("metadata.owner", "must not be empty")
		}
	}
	if p.Platform != nil {
		c.required("platform.manifest", p.Platform.Manifest)
	}

	if p.Transforms == nil {
		c.section("transforms")
	} else if len(p.Transforms) == 0 {
		c.errorf("transforms", "must list at least one transform")
	}
	validateTransforms(c, p.Transforms)

	if s := p.Schedule; s != nil {
		if strings.TrimSpace(s.Cron) == "" {
			c.warnf("schedule", "D-IN-07: schedule has no cron: the product is unscheduled")
		} else if err := CheckCron(s.Cron); err != nil {
			c.errorf("schedule.cron", "%s: %v", show(s.Cron), err)
		}
		if s.Timezone != "" || c.src.Has("schedule.timezone") {
			if err := checkTimezone(s.Timezone); err != nil {
				c.errorf("schedule.timezone", "%v", err)
			}
		}
	}

	for i, op := range p.OutputPorts {
		b := fmt.Sprintf("outputPorts[%d]", i)
		if c.required(b+".name", op.Name) {
			c.pattern(b+".name", op.Name, reDBTName, "a valid port name (^[a-zA-Z_][a-zA-Z0-9_]*$)")
			c.maxLen(b+".name", op.Name, 128)
		}
		c.maxLen(b+".description", op.Description, 500)
		if c.src.Has(b+".owner") && op.Owner == "" {
			c.errorf(b+".owner", "must not be empty")
		}
		if op.Schema == nil {
			c.section(b + ".schema")
		} else if len(op.Schema) == 0 {
			c.errorf(b+".schema", "must list at least one column")
		}
		for j, col := range op.Schema {
			cb := fmt.Sprintf("%s.schema[%d]", b, j)
			if c.required(cb+".name", col.Name) {
				c.pattern(cb+".name", col.Name, reDBTName, "a valid column name (^[a-zA-Z_][a-zA-Z0-9_]*$)")
				c.maxLen(cb+".name", col.Name, 128)
			}
			c.required(cb+".type", col.Type)
			c.maxLen(cb+".description", col.Description, 500)
		}
	}

	names := map[string]bool{}
	var dups []string
	for i, d := range p.Destinations {
		b := fmt.Sprintf("destinations[%d]", i)
		if c.required(b+".name", d.Name) {
			c.maxLen(b+".name", d.Name, 100)
			if names[d.Name] {
				dups = append(dups, d.Name)
			}
			names[d.Name] = true
		}
		c.required(b+".sink_type", d.SinkType)
		if c.required(b+".connection_secret_ref", d.ConnectionSecretRef) {
			c.pattern(b+".connection_secret_ref", d.ConnectionSecretRef, reSecretRef, "a Kubernetes Secret name")
			c.maxLen(b+".connection_secret_ref", d.ConnectionSecretRef, 253)
		}
		if c.src.Has(b+".source_table") && d.SourceTable == "" {
			c.errorf(b+".source_table", "must not be empty")
		}
		if len(d.Config) > 50 {
			c.errorf(b+".config", "has %d keys; at most 50 allowed", len(d.Config))
		}
		if d.BatchSize != nil {
			c.between(b+".batch_size", float64(*d.BatchSize), num(1), num(100000))
		}
	}
	if len(dups) > 0 {
		sort.Strings(dups)
		c.errorf("destinations", "Duplicate destination names are not allowed: %s", strings.Join(uniq(dups), ", "))
	}
}

// validateProductName applies Floe's pattern plus D-IN-03.
func validateProductName(c *checker, n string) {
	const p = "metadata.name"
	if len(n) > maxProductName {
		c.errorf(p, "is %d characters long; at most %d allowed", len(n), maxProductName)
	}
	if !reProductName.MatchString(n) {
		c.errorf(p, "%s is not a valid product name (^[a-z][a-z0-9-]*$: lower-case letter first, then lower-case letters, digits, '-')", show(n))
		return
	}
	if strings.HasSuffix(n, "-") {
		c.errorf(p, "%s ends with '-': Kubernetes names built from it would be invalid", show(n))
	}
	if strings.Contains(n, "--") {
		c.errorf(p, "%s contains '--': its dbt name and slug would differ", show(n))
	}
}

func uniq(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func validateTransforms(c *checker, ts []Transform) {
	index := map[string]int{}
	var dups []string
	for i, t := range ts {
		b := fmt.Sprintf("transforms[%d]", i)
		if c.required(b+".name", t.Name) {
			c.pattern(b+".name", t.Name, reDBTName, "a valid dbt model name (^[a-zA-Z_][a-zA-Z0-9_]*$)")
			c.maxLen(b+".name", t.Name, 128)
			if _, dup := index[t.Name]; dup {
				dups = append(dups, t.Name)
			} else {
				index[t.Name] = i
			}
		}
		if c.src.Has(b+".compute") && strings.TrimSpace(t.Compute) == "" {
			c.errorf(b+".compute", "must not be empty")
		}
		c.enum(b+".tier", t.Tier, tiers)
		for j, tag := range t.Tags {
			c.required(fmt.Sprintf("%s.tags[%d]", b, j), tag)
		}
		for j, q := range t.QualityChecks {
			qb := fmt.Sprintf("%s.qualityChecks[%d]", b, j)
			c.required(qb+".name", q.Name)
			c.required(qb+".type", q.Type)
			if c.required(qb+".dimension", q.Dimension) {
				c.enum(qb+".dimension", q.Dimension, dimensions)
			}
			c.enum(qb+".severity", q.Severity, checkSeverity)
			if q.CustomWeight != nil {
				c.between(qb+".custom_weight", *q.CustomWeight, num(0.1), num(10))
			}
		}
	}
	if len(dups) > 0 {
		sort.Strings(dups)
		c.errorf("transforms", "Duplicate transform names are not allowed: %s", strings.Join(uniq(dups), ", "))
	}
	// D-IN-04 (a): dependsOn must name transforms
	for i, t := range ts {
		for j, dep := range t.DependsOn {
			p := fmt.Sprintf("transforms[%d].dependsOn[%d]", i, j)
			if !c.required(p, dep) {
				continue
			}
			if _, ok := index[dep]; !ok {
				c.errorf(p, "FLOE-E301: Model '%s' references non-existent model '%s'", diag.Excerpt(t.Name), diag.Excerpt(dep))
			}
		}
	}
	// D-IN-04 (b): no cycles; report one cycle path per strongly connected set
	if cyc := findCycle(ts, index); cyc != nil {
		cyc = shortestCycle(ts, index, cyc)
		first := index[cyc[0]]
		c.errorf(fmt.Sprintf("transforms[%d].dependsOn", first), "FLOE-E302: Circular dependency detected: %s", cyclePath(cyc))
	}
}

// findCycle returns one dependency cycle (first node repeated at the end), or nil.
// Deterministic: transforms are visited in file order, dependencies in list order.
func findCycle(ts []Transform, index map[string]int) []string {
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(ts))
	var stack []int
	var found []string
	var visit func(i int) bool
	visit = func(i int) bool {
		color[i] = grey
		stack = append(stack, i)
		for _, dep := range ts[i].DependsOn {
			j, ok := index[dep]
			if !ok {
				continue
			}
			switch color[j] {
			case grey:
				k := len(stack) - 1
				for stack[k] != j {
					k--
				}
				for _, s := range stack[k:] {
					found = append(found, ts[s].Name)
				}
				found = append(found, ts[j].Name)
				return true
			case white:
				if visit(j) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[i] = black
		return false
	}
	for i := range ts {
		if _, ok := index[ts[i].Name]; !ok || index[ts[i].Name] != i {
			color[i] = black // duplicates and unnamed transforms are reported elsewhere
		}
	}
	for i := range ts {
		if color[i] == white && visit(i) {
			return found
		}
	}
	return nil
}

// maxCycleSearch bounds the nodes of a found cycle from which a shorter one is sought
// (each search is one breadth-first walk of the graph).
const maxCycleSearch = 64

// shortestCycle returns the shortest cycle through a node of cyc (first node repeated
// at the end), so a report names a -> b -> a rather than the long way round. Ties go to
// the node that comes first in cyc.
func shortestCycle(ts []Transform, index map[string]int, cyc []string) []string {
	best := cyc
	for k, start := range cyc[:len(cyc)-1] {
		if k == maxCycleSearch {
			break
		}
		if p := cycleThrough(ts, index, index[start], len(best)-1); p != nil && len(p) < len(best) {
			best = p
		}
	}
	return best
}

// cycleThrough finds by breadth-first search the shortest cycle from transform s back
// to itself with fewer than limit edges, or nil.
func cycleThrough(ts []Transform, index map[string]int, s, limit int) []string {
	prev := map[int]int{}
	queue := []int{s}
	for depth := 0; len(queue) > 0 && depth < limit; depth++ {
		var next []int
		for _, i := range queue {
			for _, dep := range ts[i].DependsOn {
				j, ok := index[dep]
				if !ok {
					continue
				}
				if j == s {
					path := []string{ts[s].Name}
					for k := i; k != s; k = prev[k] {
						path = append(path, ts[k].Name)
					}
					path = append(path, ts[s].Name)
					// collected backwards from the end: reverse the middle
					for a, b := 1, len(path)-2; a < b; a, b = a+1, b-1 {
						path[a], path[b] = path[b], path[a]
					}
					return path
				}
				if _, seen := prev[j]; !seen && j != s {
					prev[j] = i
					next = append(next, j)
				}
			}
		}
		queue = next
	}
	return nil
}

// maxCycleShown bounds the transforms a cycle report names.
const maxCycleShown = 8

// cyclePath prints a cycle a -> b -> … -> a, naming at most maxCycleShown transforms.
func cyclePath(cyc []string) string {
	if len(cyc) <= maxCycleShown+1 {
		return strings.Join(cyc, " -> ")
	}
	head, tail := cyc[:maxCycleShown/2], cyc[len(cyc)-maxCycleShown/2:]
	return fmt.Sprintf("%s -> … (%d more) -> %s", strings.Join(head, " -> "), len(cyc)-len(head)-len(tail), strings.Join(tail, " -> "))
}

// forbiddenKeys applies FloeSpec's recursive environment-field rule (C004/FR-014):
// every mapping key at any depth, lower-cased, against the forbidden list, with the D-IN-08
// exemption for outputPorts[*].schema. One located diagnostic per key, each carrying
// Floe's message (Floe lists all paths in one message; the paths here sort the same way).
func forbiddenKeys(c *checker, doc *yaml.Node) {
	if doc == nil {
		return
	}
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	var found []string
	var walk func(n *yaml.Node, p string, depth int)
	walk = func(n *yaml.Node, p string, depth int) {
		n = deref(n)
		if depth > MaxDepth {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := deref(n.Content[i])
				kp := joinPath(p, k.Value)
				if forbiddenSpecKeys[strings.ToLower(k.Value)] && !isPortSchema(p, k.Value) {
					found = append(found, kp)
				}
				walk(n.Content[i+1], kp, depth+1)
			}
		case yaml.SequenceNode:
			for i, it := range n.Content {
				walk(it, indexPath(p, i), depth+1)
			}
		}
	}
	walk(n, "", 0)
	sort.Strings(found)
	for _, p := range found {
		c.errorf(p, "Environment-specific fields are not allowed in FloeSpec: %s. Use platform manifest for environment configuration (FR-014).", p)
	}
}

// isPortSchema reports whether key under parent path p is outputPorts[N].schema (D-IN-08).
func isPortSchema(p, key string) bool {
	if key != "schema" {
		return false
	}
	for _, pre := range []string{"outputPorts[", "output_ports["} {
		if strings.HasPrefix(p, pre) && strings.HasSuffix(p, "]") {
			_, err := strconv.Atoi(p[len(pre) : len(p)-1])
			return err == nil
		}
	}
	return false
}

// checkTimezone applies D-IN-06: an IANA zone name.
func checkTimezone(tz string) error {
	if tz == "" {
		return fmt.Errorf("must not be empty (omit it for UTC)")
	}
	if strings.EqualFold(tz, "local") || tz == "Local" {
		return fmt.Errorf("%s is not an IANA time zone", show(tz))
	}
	if _, ok := knownZones.Load(tz); ok {
		return nil
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return fmt.Errorf("%s is not an IANA time zone (e.g. UTC, Europe/Berlin)", show(tz))
	}
	knownZones.Store(tz, true) // bounded: only real zone names are cached
	return nil
}

// knownZones caches valid zone names (LoadLocation reads zoneinfo on every call).
var knownZones sync.Map
